import { resourcesOf, synthStacks } from '../../support/synth';

describe('NodeRole', () => {
  const prod = synthStacks().get('hub-cluster-prod')!;
  const [roleId, role] = resourcesOf(prod, 'aws_iam_role').find(([, r]) => r.name === 'hub-prod-node')!;

  it('is assumed by EC2 only', () => {
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
  });

  it('carries the worker and image-pull policies, and not the CNI policy, which has its own role', () => {
    const attached = resourcesOf(prod, 'aws_iam_role_policy_attachment')
      .filter(([, a]) => a.role === `\${aws_iam_role.${roleId}.name}`)
      .map(([, a]) => (a.policy_arn as string).split('/').pop());
    expect(attached.sort()).toEqual(['AmazonEC2ContainerRegistryPullOnly', 'AmazonEKSWorkerNodePolicy']);
  });
});
