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

/**
 * The EFS CSI node plugin. Every TLS mount runs an efs-proxy inside the plugin's container,
 * so its memory grows with the mounts on the node and with the mounts in flight at once.
 * Upstream's sizing (aws-efs-csi-driver docs/parameters.md, "Suggestion for setting
 * max-inflight-mount-calls"): about 12 MiB per mounted volume plus about 30 MiB per
 * concurrent mount, times 1.5. An OOM-killed plugin leaves every mount on the node hanging.
 */
export const EFS_MIB_PER_MOUNT = 12;
export const EFS_MIB_PER_INFLIGHT_MOUNT = 30;
export const EFS_MEMORY_HEADROOM = 1.5;
/** Volumes each notebook server mounts from EFS: `home` and `shared`. */
export const EFS_MOUNTS_PER_SERVER = 2;
/** The in-flight limit's ceiling: the chart's default once the limit is opted in. */
export const EFS_MAX_INFLIGHT_MOUNTS = 10;
/** The plugin's floor: the driver itself with no mount. */
const EFS_PLUGIN_FLOOR_MIB = 128;
/** Its CPU request. There is no CPU limit: a limit would throttle the TLS of every mount. */
const EFS_PLUGIN_CPU_MILLIS = 180;
/** Each sidecar of the node plugin (liveness probe, driver registrar), Guaranteed. */
export const EFS_NODE_SIDECAR = { cpuMillis: 10, memoryMiB: 16 };

/** How the EFS node plugin is sized for nodes that run up to a number of notebook servers. */
export interface EfsNodeSizing {
  /** Servers per node it is sized for: the most any user or GPU pool hosts. */
  readonly serversPerNode: number;
  /** EFS mounts on a full node. */
  readonly mountsPerNode: number;
  /** `--max-inflight-mount-calls`: mounts the plugin runs at once. */
  readonly inflightMounts: number;
  /** The efs-plugin container: CPU requested (no limit), memory requested and limited. */
  readonly plugin: { readonly cpuMillis: number; readonly memoryMiB: number };
  /** The whole DaemonSet pod (plugin and sidecars), as the capacity maths subtracts it. */
  readonly requests: DaemonSetRequests;
}

export function efsNodeSizing(serversPerNode: number): EfsNodeSizing {
  const mountsPerNode = serversPerNode * EFS_MOUNTS_PER_SERVER;
  const inflightMounts = Math.max(1, Math.min(mountsPerNode, EFS_MAX_INFLIGHT_MOUNTS));
  const memoryMiB = Math.max(
    EFS_PLUGIN_FLOOR_MIB,
    Math.ceil(
      (mountsPerNode * EFS_MIB_PER_MOUNT + inflightMounts * EFS_MIB_PER_INFLIGHT_MOUNT) * EFS_MEMORY_HEADROOM,
    ),
  );
  const plugin = { cpuMillis: EFS_PLUGIN_CPU_MILLIS, memoryMiB };
  return {
    serversPerNode,
    mountsPerNode,
    inflightMounts,
    plugin,
    requests: {
      name: 'efs-csi-node',
      cpuMillis: plugin.cpuMillis + 2 * EFS_NODE_SIDECAR.cpuMillis,
      memoryMiB: plugin.memoryMiB + 2 * EFS_NODE_SIDECAR.memoryMiB,
    },
  };
}
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

/** Every DaemonSet on user and GPU nodes but the EFS node plugin, whose size depends on the environment. */
export const NODE_DAEMONSETS: readonly DaemonSetRequests[] = [
  AWS_NODE,
  KUBE_PROXY,
  EBS_CSI_NODE,
  NVIDIA_DEVICE_PLUGIN,
  // Counted in every environment: one that starts reporting later must not overfill its nodes.
  NODE_EXPORTER,
  DCGM_EXPORTER,
  CONTINUOUS_IMAGE_PULLER,
  HOOK_IMAGE_PULLER,
];
