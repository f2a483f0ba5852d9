/**
 * Resource requests of the DaemonSets that run on the hub's user and GPU nodes (the only
 * nodes the capacity maths sizes). The capacity maths subtracts them from what a node can
 * give users, and the charts take their requests from here, so the two never disagree.
 */
export interface DaemonSetRequests {
  readonly name: string;
  readonly cpuMillis: number;
  readonly memoryMiB: number;
  /** Runs only on GPU nodes. */
  readonly gpuOnly?: boolean;
}

/** Managed add-ons: requests as the EKS add-ons ship them (aws-node 25m per container). */
export const AWS_NODE: DaemonSetRequests = { name: 'aws-node', cpuMillis: 50, memoryMiB: 0 };
export const KUBE_PROXY: DaemonSetRequests = { name: 'kube-proxy', cpuMillis: 100, memoryMiB: 0 };
export const EBS_CSI_NODE: DaemonSetRequests = { name: 'ebs-csi-node', cpuMillis: 30, memoryMiB: 120 };

/** Ours: the charts' values take these numbers (requests equal limits). */
// Every TLS mount runs an efs-proxy inside the node plugin's container: its CPU limit caps
// the node's EFS throughput and its memory grows with the mounts (two per notebook server).
export const EFS_CSI_NODE: DaemonSetRequests = { name: 'efs-csi-node', cpuMillis: 200, memoryMiB: 256 };
export const NVIDIA_DEVICE_PLUGIN: DaemonSetRequests = {
  name: 'nvidia-device-plugin',
  cpuMillis: 50,
  memoryMiB: 64,
  gpuOnly: true,
};

/** The metrics agent's node-exporter, on every node of a reporting hub (lib/monitoring/agent-values.ts). */
export const NODE_EXPORTER: DaemonSetRequests = { name: 'node-exporter', cpuMillis: 50, memoryMiB: 64 };
/** NVIDIA's DCGM exporter, on the GPU nodes of a reporting hub (lib/monitoring/dcgm-exporter.ts). */
export const DCGM_EXPORTER: DaemonSetRequests = {
  name: 'dcgm-exporter',
  cpuMillis: 100,
  memoryMiB: 512,
  gpuOnly: true,
};

/**
 * The JupyterHub chart's image pullers, on user and GPU nodes: the continuous one always,
 * the hook one during a helm upgrade that changes images (counted so that an upgrade in
 * the middle of an event still finds room on full nodes). The chart gives both pods
 * prePuller.resources, which lib/jupyterhub/hub-values.ts takes from here.
 */
export const CONTINUOUS_IMAGE_PULLER: DaemonSetRequests = {
  name: 'continuous-image-puller',
  cpuMillis: 10,
  memoryMiB: 16,
};
export const HOOK_IMAGE_PULLER: DaemonSetRequests = { ...CONTINUOUS_IMAGE_PULLER, name: 'hook-image-puller' };

export const NODE_DAEMONSETS: readonly DaemonSetRequests[] = [
  AWS_NODE,
  KUBE_PROXY,
  EBS_CSI_NODE,
  EFS_CSI_NODE,
  NVIDIA_DEVICE_PLUGIN,
  // Counted in every environment: one that starts reporting later must not overfill its nodes.
  NODE_EXPORTER,
  DCGM_EXPORTER,
  CONTINUOUS_IMAGE_PULLER,
  HOOK_IMAGE_PULLER,
];
