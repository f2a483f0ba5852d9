import { expanderPriorities } from '../../../lib/platform/cluster-autoscaler';
import { configuredEnvironments, resourcesOf, synthStacks } from '../../support/synth';

const stacks = synthStacks();
const names = configuredEnvironments().map((e) => e.name);

describe('cluster-autoscaler IAM', () => {
  it.each(names)('%s: bound to kube-system/cluster-autoscaler, writes limited to this cluster', (name) => {
    const stack = stacks.get(`hub-cluster-${name}`)!;
    const roleName = `hub-${name}-cluster-autoscaler`;
    const [, role] = resourcesOf(stack, 'aws_iam_role').find(([, r]) => r.name === roleName)!;
    const trust = JSON.parse(role.assume_role_policy).Statement[0];
    expect(trust.Action).toBe('sts:AssumeRoleWithWebIdentity');
    const subjects = Object.entries(trust.Condition.StringEquals).filter(([k]) => k.endsWith(':sub'));
    expect(subjects).toEqual([[expect.any(String), 'system:serviceaccount:kube-system:cluster-autoscaler']]);

    const [, inline] = resourcesOf(stack, 'aws_iam_role_policy').find(([, p]) => p.name === roleName)!;
    const statements: Array<Record<string, any>> = JSON.parse(inline.policy).Statement; // eslint-disable-line @typescript-eslint/no-explicit-any
    const writes = ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'];
    for (const action of writes) {
      const granting = statements.filter((s) => [s.Action].flat().includes(action));
      expect(granting).toHaveLength(1);
      expect(granting[0].Condition).toEqual({
        StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/hub-${name}`]: 'owned' },
      });
    }
    const describe = statements.find((s) => s.Action === 'eks:DescribeNodegroup')!;
    expect(describe.Resource).toMatch(new RegExp(`:nodegroup/hub-${name}/\\*/\\*$`));
    expect(statements.flatMap((s) => [s.Action].flat())).not.toContain('*');
  });

  it('tags every node group as owned by its own cluster, which the write condition matches', () => {
    const stack = stacks.get('hub-cluster-staging')!;
    const owned = resourcesOf(stack, 'aws_autoscaling_group_tag').filter(
      ([, t]) => t.tag.key === 'k8s.io/cluster-autoscaler/hub-staging',
    );
    expect(owned).toHaveLength(resourcesOf(stack, 'aws_eks_node_group').length);
    owned.forEach(([, t]) => expect(t.tag.value).toBe('owned'));
  });
});

describe('expanderPriorities', () => {
  it('prefers CPU user pools to GPU pools and matches EKS ASG names exactly', () => {
    const tiers = expanderPriorities('hub-x', [
      { name: 'core', kind: 'core' },
      { name: 'user', kind: 'user' },
      { name: 'gpu', kind: 'gpu' },
    ]) as Record<string, string[]>;
    expect(
      Number(Object.keys(tiers).find((k) => tiers[k].some((p) => p.includes('-user-')))),
    ).toBeGreaterThan(Number(Object.keys(tiers).find((k) => tiers[k].some((p) => p.includes('-gpu-')))));
    const user = new RegExp(tiers['50'][0]);
    expect(user.test('eks-hub-x-user-7ac6b2f0-1c2d-4e5f-8a9b-0c1d2e3f4a5b')).toBe(true);
    expect(user.test('eks-hub-x-user2-7ac6b2f0-1c2d-4e5f-8a9b-0c1d2e3f4a5b')).toBe(false);
    expect(tiers['1']).toEqual(['.*']);
  });

  it('does not let a pool claim the ASG of a pool whose name extends it', () => {
    const tiers = expanderPriorities('hub-x', [
      { name: 'a', kind: 'user' },
      { name: 'a-b', kind: 'gpu' },
    ]) as Record<string, string[]>;
    const uuid = '7ac6b2f0-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
    const cpu = new RegExp(tiers['50'][0]);
    const gpu = new RegExp(tiers['10'][0]);
    expect(cpu.test(`eks-hub-x-a-${uuid}`)).toBe(true);
    expect(cpu.test(`eks-hub-x-a-b-${uuid}`)).toBe(false);
    expect(gpu.test(`eks-hub-x-a-b-${uuid}`)).toBe(true);
    // Only a whole UUID ends the name: a hex-looking pool suffix is not one.
    expect(cpu.test('eks-hub-x-a-beef-7ac6b2f0')).toBe(false);
    expect(cpu.test(`eks-hub-x-a-${uuid}-0`)).toBe(false);
  });
});
