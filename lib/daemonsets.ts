/**
 * Resource requests of the DaemonSets that run on every hub node. The capacity maths
 * subtracts them from what a node can give users, and the platform charts take their
 * requests from here, so the two never disagree.
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

export const NODE_DAEMONSETS: readonly DaemonSetRequests[] = [
  AWS_NODE,
  KUBE_PROXY,
  EBS_CSI_NODE,
  EFS_CSI_NODE,
  NVIDIA_DEVICE_PLUGIN,
];
