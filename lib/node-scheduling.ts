/**
 * Node labels, taints and pod priorities that several layers must agree on: the node
 * groups set them, the ASG tags advertise them to the autoscaler, and the charts select and
 * tolerate them. Defined once here; nothing else spells these strings.
 */

export const NODE_PURPOSE_LABEL = 'hub.jupyter.org/node-purpose';

export type NodePurpose = 'core' | 'user';

export interface NodeTaint {
  readonly key: string;
  readonly value: string;
  /** Kubernetes spelling; the EKS API spells it NO_SCHEDULE. */
  readonly effect: 'NoSchedule' | 'NoExecute' | 'PreferNoSchedule';
}

/** zero-to-jupyterhub's user pods tolerate this taint by default. */
export const USER_TAINT: NodeTaint = {
  key: 'hub.jupyter.org/dedicated',
  value: 'user',
  effect: 'NoSchedule',
};

/** Keeps CPU-only pods off GPU nodes; GPU profiles tolerate it. */
export const GPU_TAINT: NodeTaint = { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' };

/** Label that marks GPU nodes and names their accelerator. */
export const ACCELERATOR_LABEL = 'k8s.amazonaws.com/accelerator';

/** Label carrying the node pool's name, so a profile can select one pool. */
export const NODE_POOL_LABEL = 'hub.jupyter.org/node-pool';

/** Extended resource name of an NVIDIA GPU. */
export const GPU_RESOURCE = 'nvidia.com/gpu';

/**
 * Pod priorities. The user placeholders must sit above the autoscaler's expendable-pods
 * cutoff, or the autoscaler ignores them and they never trigger a scale-up.
 */
export const AUTOSCALER_EXPENDABLE_PRIORITY_CUTOFF = -10;
export const USER_PLACEHOLDER_PRIORITY = -5;
export const USER_DEFAULT_PRIORITY = 0;
export const IMAGE_PULLER_PRIORITY = -2;

/** EKS node-group taint effects, keyed by the Kubernetes spelling. */
export const EKS_TAINT_EFFECT: Record<NodeTaint['effect'], string> = {
  NoSchedule: 'NO_SCHEDULE',
  NoExecute: 'NO_EXECUTE',
  PreferNoSchedule: 'PREFER_NO_SCHEDULE',
};
