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

export type PoolKind = 'core' | 'user' | 'gpu';

/** How a node pool's nodes are labelled and tainted, and so how pods select and tolerate them. */
export interface PoolScheduling {
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly NodeTaint[];
}

/**
 * The labels and taints of a pool: every pool names its purpose and itself; user and GPU
 * pools carry the user taint; GPU pools also the GPU taint and their accelerator label.
 */
export function poolScheduling(kind: PoolKind, poolName: string, accelerator?: string): PoolScheduling {
  return {
    labels: {
      [NODE_PURPOSE_LABEL]: kind === 'core' ? 'core' : 'user',
      [NODE_POOL_LABEL]: poolName,
      ...(kind === 'gpu' ? { [ACCELERATOR_LABEL]: accelerator ?? 'nvidia' } : {}),
    },
    taints: kind === 'core' ? [] : kind === 'user' ? [USER_TAINT] : [USER_TAINT, GPU_TAINT],
  };
}

/** A pod toleration (Kubernetes spelling) that matches exactly `taint`. */
export function tolerationFor(taint: NodeTaint): {
  key: string;
  operator: 'Equal';
  value: string;
  effect: string;
} {
  return { key: taint.key, operator: 'Equal', value: taint.value, effect: taint.effect };
}
