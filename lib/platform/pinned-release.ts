import { Release } from '@cdktf/provider-helm/lib/release';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { existsSync } from 'fs';
import { stringify } from 'yaml';
import { ConfigError } from '../../config/load';
import { ChartPin } from './charts';
import {
  VALUES_DIR,
  VALUES_DIR_CONTEXT,
  Values,
  fileAndLine,
  isMap,
  mergeValues,
  overriddenValues,
  parseValuesFile,
  valuesFiles,
} from './helm-values';

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

/** The values folder: the `valuesDir` context if set, else values/ in this repository. */
function valuesRoot(scope: Construct): string {
  const dir: unknown = scope.node.tryGetContext(VALUES_DIR_CONTEXT);
  if (dir === undefined) return VALUES_DIR;
  if (typeof dir !== 'string' || !existsSync(dir)) {
    throw new Error(`context ${VALUES_DIR_CONTEXT}: ${JSON.stringify(dir)} is not an existing folder`);
  }
  return dir;
}

/** A value in a message: short scalars as JSON; maps and lists by their kind, never their whole text. */
function brief(value: unknown): string {
  if (isMap(value)) return 'a map';
  if (Array.isArray(value)) return 'a list';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * A Helm release at an exact chart version, linted, with its values merged from the
 * values files and typed code into one document, so the synthesized JSON shows exactly
 * what helm receives. A file may not set a value the typed code sets differently: typed
 * code owns what other layers must agree with, and the file's value would silently lose.
 */
export class PinnedRelease extends Construct {
  readonly release: Release;
  /** The merged values (before Terraform resolves references inside them). */
  readonly mergedValues: Values;

  constructor(scope: Construct, id: string, props: PinnedReleaseProps) {
    super(scope, id);
    const files = valuesFiles(props.valuesDir ?? props.chart.chart, props.envName, valuesRoot(this)).map(
      parseValuesFile,
    );
    const layers = files.map((file) => file.values);
    const contradictions = files.flatMap((file) =>
      overriddenValues(file.values, props.values).map(
        (o) =>
          `${fileAndLine(file, o.path)}: ${o.path.join('.')} is ${brief(o.lower)}, but the ${props.releaseName} ` +
          `construct sets it to ${brief(o.upper)}; remove it from the file (typed code owns the values ` +
          'other layers must agree with)',
      ),
    );
    if (contradictions.length > 0) throw new ConfigError(contradictions);

    this.mergedValues = mergeValues(...layers, props.values);
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
