import { Construct } from 'constructs';
import { DCGM_EXPORTER } from '../daemonsets';
import { CHARTS } from '../platform/charts';
import { Values } from '../platform/helm-values';
import { PinnedRelease } from '../platform/pinned-release';
import { Placement, gpuPlacementValues, guaranteed, placementOf } from '../platform/placement';
import { DCGM_EXPORTER_RELEASE } from './names';

export interface DcgmExporterProps {
  readonly envName: string;
}

/** The exporter's values: GPU nodes only, no Prometheus operator, Guaranteed. */
export function dcgmExporterValues(): Values {
  return {
    image: { tag: CHARTS.dcgmExporter.imageTags.exporter },
    // The chart expects the Prometheus operator; the metrics agent scrapes the pods instead.
    serviceMonitor: { enabled: false },
    // On GPU nodes only, like the device plugin (the chart's default tolerates only
    // control-plane nodes, which EKS does not give us).
    ...gpuPlacementValues(guaranteed(DCGM_EXPORTER.cpuMillis, DCGM_EXPORTER.memoryMiB)),
  };
}

/**
 * NVIDIA's DCGM exporter on the GPU nodes of a reporting hub: GPU utilisation, memory and
 * temperature per card, which the metrics agent scrapes as the dcgm-exporter job.
 */
export class DcgmExporter extends Construct {
  readonly release: PinnedRelease;
  readonly placement: Placement;

  constructor(scope: Construct, id: string, props: DcgmExporterProps) {
    super(scope, id);
    this.release = new PinnedRelease(this, 'release', {
      chart: CHARTS.dcgmExporter,
      releaseName: DCGM_EXPORTER_RELEASE,
      namespace: 'kube-system',
      envName: props.envName,
      values: dcgmExporterValues(),
    });
    this.placement = placementOf(DCGM_EXPORTER_RELEASE, this.release.mergedValues);
  }
}
