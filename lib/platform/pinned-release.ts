import { Release } from '@cdktf/provider-helm/lib/release';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { ChartPin } from './charts';
import { Values, fileLayers, mergeValues } from './helm-values';

export interface PinnedReleaseProps {
  readonly chart: ChartPin;
  /** Helm release name. */
  readonly releaseName: string;
  readonly namespace: string;
  /** Environment whose overlay file applies. */
  readonly envName: string;
  /** Folder under values/ with base.yaml and <env>.yaml. @default the chart name */
  readonly valuesDir?: string;
  /** Values from typed code; they win over the files. */
  readonly values: Values;
  /** Seconds helm waits for the release to become ready. @default 600 */
  readonly timeoutSeconds?: number;
  /** @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A Helm release at an exact chart version, linted, with its values merged from the
 * values files and typed code into one document, so the synthesized JSON shows exactly
 * what helm receives.
 */
export class PinnedRelease extends Construct {
  readonly release: Release;
  /** The merged values (before Terraform resolves references inside them). */
  readonly mergedValues: Values;

  constructor(scope: Construct, id: string, props: PinnedReleaseProps) {
    super(scope, id);
    this.mergedValues = mergeValues(
      ...fileLayers(props.valuesDir ?? props.chart.chart, props.envName),
      props.values,
    );
    this.release = new Release(this, 'release', {
      name: props.releaseName,
      namespace: props.namespace,
      createNamespace: true,
      repository: props.chart.repository,
      chart: props.chart.chart,
      version: props.chart.version,
      lint: true,
      atomic: true,
      cleanupOnFail: true,
      timeout: props.timeoutSeconds ?? 600,
      values: [stringify(this.mergedValues, { lineWidth: 0 })],
      dependsOn: props.dependsOn,
    });
  }
}
