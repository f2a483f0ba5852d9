/** Managed node groups as the rules see them: their launch templates and whether they carry GPUs. */
import { StackView, TfResource, block, list } from '../stack-view';

const GPU_INSTANCE = /^(p|g)\d/;
/** EKS AMI types with the NVIDIA driver (AL2023 needs the device plugin; Bottlerocket ships it). */
export const NVIDIA_AMIS = ['AL2023_x86_64_NVIDIA', 'BOTTLEROCKET_x86_64_NVIDIA'];

export function nodeGroups(stack: StackView): TfResource[] {
  return stack.resources('aws_eks_node_group');
}

/** The node groups of `cluster`, named literally or by reference. */
export function nodeGroupsOf(stack: StackView, cluster: TfResource): TfResource[] {
  return nodeGroups(stack).filter(
    (g) => g.body.cluster_name === cluster.body.name || stack.refersTo(g.body.cluster_name, cluster),
  );
}

/** A pool of GPU instance types (p*, g*). */
export function isGpuGroup(group: TfResource): boolean {
  return list(group.body.instance_types).some((t) => GPU_INSTANCE.test(String(t)));
}

/** A pool whose pods can be given GPUs: GPU instances or an NVIDIA AMI. */
export function hasGpus(group: TfResource): boolean {
  return isGpuGroup(group) || NVIDIA_AMIS.includes(group.body.ami_type);
}

/** A pool that needs the NVIDIA device plugin: GPUs, on an AMI that does not ship one (Bottlerocket's does). */
export function needsDevicePlugin(group: TfResource): boolean {
  return hasGpus(group) && !String(group.body.ami_type).startsWith('BOTTLEROCKET');
}

/** The launch template a node group uses, by id or name reference. */
export function launchTemplateOf(stack: StackView, group: TfResource): TfResource | undefined {
  const spec = block(group.body.launch_template);
  return stack.target(spec?.id, 'aws_launch_template') ?? stack.target(spec?.name, 'aws_launch_template');
}
