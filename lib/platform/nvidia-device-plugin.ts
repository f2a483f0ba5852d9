import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { NVIDIA_DEVICE_PLUGIN } from '../daemonsets';
import { GPU_RESOURCE } from '../node-scheduling';
import { CHARTS } from './charts';
import { Values } from './helm-values';
import { PinnedRelease } from './pinned-release';
import { Placement, gpuPlacementValues, guaranteed, placementOf } from './placement';

/**
 * The plugin's configuration file when GPUs are shared: each physical GPU is advertised as
 * `replicas` GPUs, and a pod asking for more than one shared GPU is refused rather than
 * silently given slices of the same card.
 */
export function timeSlicingConfig(replicas: number): string {
  return stringify({
    version: 'v1',
    flags: { migStrategy: 'none' },
    sharing: {
      timeSlicing: { failRequestsGreaterThanOne: true, resources: [{ name: GPU_RESOURCE, replicas }] },
    },
  });
}

export interface NvidiaDevicePluginProps {
  readonly envName: string;
  /** Pods sharing one GPU through time-slicing; 1 turns sharing off. @default 1 */
  readonly timeSlicingReplicas?: number;
}

/**
 * The NVIDIA device plugin, which advertises `nvidia.com/gpu` so GPU profiles can be
 * scheduled (the AL2023 NVIDIA AMI ships the driver, not the plugin). It runs only on GPU
 * nodes: it requires their accelerator label (the chart's default affinity expects node
 * feature discovery labels, which we do not deploy) and tolerates exactly their taints.
 */
export class NvidiaDevicePlugin extends Construct {
  readonly release: PinnedRelease;
  readonly placement: Placement;

  constructor(scope: Construct, id: string, props: NvidiaDevicePluginProps) {
    super(scope, id);
    const replicas = props.timeSlicingReplicas ?? 1;
    const sharing: Values =
      replicas > 1 ? { config: { map: { default: timeSlicingConfig(replicas) }, default: 'default' } } : {};
    this.release = new PinnedRelease(this, 'release', {
      chart: CHARTS.nvidiaDevicePlugin,
      releaseName: 'nvidia-device-plugin',
      namespace: 'kube-system',
      envName: props.envName,
      values: {
        image: { tag: CHARTS.nvidiaDevicePlugin.imageTags.plugin },
        ...gpuPlacementValues(guaranteed(NVIDIA_DEVICE_PLUGIN.cpuMillis, NVIDIA_DEVICE_PLUGIN.memoryMiB)),
        ...sharing,
      },
    });
    this.placement = placementOf('nvidia-device-plugin', this.release.mergedValues);
  }
}
