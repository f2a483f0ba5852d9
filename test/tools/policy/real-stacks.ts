/** The real stacks the policy tests mutate, and accessors for the resources they change. */
import { Json } from '../../../tools/policy/types';
import { all, editJson, editValues, find, realSynth, release } from './support';

export const CLUSTER = 'hub-cluster-prod';
export const PLATFORM = 'hub-platform-prod';
export const STATE = 'state-bootstrap';

export const cluster = (json: Json) => find(json, 'aws_eks_cluster', 'eks/cluster');
export const group = (json: Json, pool: string) =>
  find(json, 'aws_eks_node_group', `pool-${pool}/node-group`);
export const template = (json: Json, pool: string) =>
  find(json, 'aws_launch_template', `pool-${pool}/launch-template`);
export const trust = (json: Json, rolePath: string, edit: (doc: Json) => void) =>
  editJson(find(json, 'aws_iam_role', rolePath), 'assume_role_policy', edit);
export const efsIngress = (json: Json) => find(json, 'aws_vpc_security_group_ingress_rule', 'nfs-from-nodes');
export const efs = (json: Json) => find(json, 'aws_efs_file_system', 'file-system');
export const autoscalerPolicy = (json: Json, edit: (doc: Json) => void) =>
  editJson(find(json, 'aws_iam_role_policy', 'cluster-autoscaler-role'), 'policy', edit);
/** Edits the values of the platform stack's jupyterhub release. */
export const hubValues = (edit: (values: Json) => void) => (json: Json) =>
  editValues(release(json, 'jupyterhub'), edit);

/** `${type.name.id}` of the one resource matching `fragment`. */
export function idOf(json: Json, type: string, fragment: string): string {
  const name = Object.keys(json.resource[type]).find(
    (n) => json.resource[type][n] === find(json, type, fragment),
  );
  return `\${${type}.${name}.id}`;
}

/** The node-pool name of the production cluster's GPU pool. */
export function gpuPoolName(): string {
  return all(realSynth().stack(CLUSTER)!.json, 'aws_eks_node_group').find((g) =>
    /^(g|p)\d/.test(g.instance_types[0]),
  )!.labels['hub.jupyter.org/node-pool'];
}
