import { autoscalerTags } from '../../../lib/cluster/node-pool';
import { GPU_TAINT, NODE_PURPOSE_LABEL, USER_TAINT } from '../../../lib/node-scheduling';
import { StackJson, resourceAt, resourcesOf, synthStacks } from '../../support/synth';

const TEMPLATE = 'k8s.io/cluster-autoscaler/node-template';

function asgTags(stack: StackJson, pool: string): Record<string, string> {
  const group = resourcesOf(stack, 'aws_eks_node_group').find(([, g]) =>
    g['//'].metadata.path.includes(`/pool-${pool}/`),
  )!;
  return Object.fromEntries(
    resourcesOf(stack, 'aws_autoscaling_group_tag')
      .filter(([, t]) => t.autoscaling_group_name.includes(`aws_eks_node_group.${group[0]}.`))
      .map(([, t]) => [t.tag.key, t.tag.value]),
  );
}

describe('NodePool', () => {
  const stacks = synthStacks();
  const hackweek = stacks.get('hub-cluster-hackweek')!;
  const group = (pool: string) => resourceAt(hackweek, 'aws_eks_node_group', `pool-${pool}/node-group`);
  const template = (pool: string) =>
    resourceAt(hackweek, 'aws_launch_template', `pool-${pool}/launch-template`);

  it.each(['core', 'user', 'gpu'])('%s: IMDSv2 only, hop limit 1, encrypted gp3 root, no SSH', (pool) => {
    expect(template(pool).metadata_options).toEqual({
      http_endpoint: 'enabled',
      http_tokens: 'required',
      http_put_response_hop_limit: 1,
    });
    expect(template(pool).block_device_mappings).toEqual([
      {
        device_name: '/dev/xvda',
        ebs: { volume_size: 100, volume_type: 'gp3', encrypted: 'true', delete_on_termination: 'true' },
      },
    ]);
    expect(template(pool).key_name).toBeUndefined();
    expect(group(pool).remote_access).toBeUndefined();
  });

  it('leaves the desired size to the autoscaler after creation', () => {
    for (const [, nodeGroup] of resourcesOf(hackweek, 'aws_eks_node_group')) {
      expect(nodeGroup.lifecycle.ignore_changes).toEqual(['scaling_config[0].desired_size']);
    }
  });

  it('labels the core pool core, keeps it untainted, in one AZ, never below one node', () => {
    expect(group('core').labels[NODE_PURPOSE_LABEL]).toBe('core');
    expect(group('core').taint ?? []).toEqual([]);
    expect(group('core').subnet_ids).toHaveLength(1);
    expect(group('core').scaling_config.min_size).toBeGreaterThanOrEqual(1);
    expect(group('core').instance_types[0]).toMatch(/^m5\./);
  });

  it('labels and taints the user pool for users, from zero to the configured max', () => {
    expect(group('user').labels[NODE_PURPOSE_LABEL]).toBe('user');
    expect(group('user').taint).toEqual([
      { key: USER_TAINT.key, value: USER_TAINT.value, effect: 'NO_SCHEDULE' },
    ]);
    expect(group('user').scaling_config).toEqual({ min_size: 0, desired_size: 0, max_size: 25 });
    expect(group('user').instance_types).toEqual(['m5.2xlarge']);
    expect(group('user').ami_type).toBe('AL2023_x86_64_STANDARD');
  });

  it('runs GPU pools on the NVIDIA AMI with the GPU and user taints and an accelerator label', () => {
    expect(group('gpu').ami_type).toBe('AL2023_x86_64_NVIDIA');
    expect(group('gpu').taint).toEqual(
      expect.arrayContaining([
        { key: GPU_TAINT.key, value: GPU_TAINT.value, effect: 'NO_SCHEDULE' },
        { key: USER_TAINT.key, value: USER_TAINT.value, effect: 'NO_SCHEDULE' },
      ]),
    );
    expect(group('gpu').labels['k8s.amazonaws.com/accelerator']).toBe('nvidia-tesla-t4');
  });

  it('advertises every label and taint, and the GPUs, on the ASG for scale-from-zero', () => {
    const tags = asgTags(hackweek, 'gpu');
    for (const [key, value] of Object.entries(group('gpu').labels))
      expect(tags[`${TEMPLATE}/label/${key}`]).toBe(value);
    expect(tags[`${TEMPLATE}/taint/${GPU_TAINT.key}`]).toBe('present:NoSchedule');
    expect(tags[`${TEMPLATE}/taint/${USER_TAINT.key}`]).toBe('user:NoSchedule');
    expect(tags[`${TEMPLATE}/resources/nvidia.com/gpu`]).toBe('1');
    expect(tags['k8s.io/cluster-autoscaler/enabled']).toBe('true');
    expect(tags['k8s.io/cluster-autoscaler/hub-hackweek']).toBe('owned');
    expect(asgTags(hackweek, 'user')[`${TEMPLATE}/resources/nvidia.com/gpu`]).toBeUndefined();
  });

  it('tags the auto-scaling group EKS created, without propagating to instances', () => {
    for (const [, tag] of resourcesOf(hackweek, 'aws_autoscaling_group_tag')) {
      expect(tag.autoscaling_group_name).toMatch(
        /^\$\{aws_eks_node_group\.[^.]+\.resources\[0\]\.autoscaling_groups\[0\]\.name\}$/,
      );
      expect(tag.tag.propagate_at_launch).toBe(false);
    }
  });

  it('waits for the CNI and kube-proxy add-ons before nodes join', () => {
    const deps = group('user').depends_on as string[];
    expect(deps.some((d) => d.startsWith('aws_eks_addon.vpc-cni'))).toBe(true);
    expect(deps.some((d) => d.startsWith('aws_eks_addon.kube-proxy'))).toBe(true);
  });

  it('advertises the GPUs a time-sliced node offers, physical GPUs times replicas', () => {
    const pool = { clusterName: 'hub-x', labels: {}, taints: [GPU_TAINT] };
    const gpuTag = (tags: Record<string, string>) => tags[`${TEMPLATE}/resources/nvidia.com/gpu`];
    expect(gpuTag(autoscalerTags({ ...pool, gpus: 4 }))).toBe('4');
    expect(gpuTag(autoscalerTags({ ...pool, gpus: 1, gpuTimeSlicingReplicas: 4 }))).toBe('4');
    expect(gpuTag(autoscalerTags({ ...pool, gpus: 4, gpuTimeSlicingReplicas: 3 }))).toBe('12');
    expect(gpuTag(autoscalerTags({ ...pool, gpuTimeSlicingReplicas: 4 }))).toBeUndefined();
  });
});
