/**
 * The pinned charts' own files, read where lib/platform/chart-data.ts finds them
 * (UPSTREAM_CHARTS_DIR, else the cache `npm run charts` fills); never copied into this
 * repository. Helpers for the offline checks of our values against each chart.
 */
import Ajv from 'ajv';
import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { requireChartDir } from '../../lib/platform/chart-data';
import { CHARTS, ChartPin } from '../../lib/platform/charts';
import { Values, isMap, withChartDefaults } from '../../lib/platform/helm-values';

function chartFile(pin: ChartPin, file: string): string {
  return join(requireChartDir(pin), file);
}

/** The chart's Chart.yaml at the pinned version. */
export function chartMetadata(pin: ChartPin): { version: string; appVersion: string; kubeVersion?: string } {
  return parse(readFileSync(chartFile(pin, 'Chart.yaml'), 'utf8'));
}

/** The chart's default values.yaml at the pinned version. */
export function chartDefaults(pin: ChartPin): Values {
  return parse(readFileSync(chartFile(pin, 'values.yaml'), 'utf8')) ?? {};
}

/** Schema errors of chart defaults merged with `values`, as helm would validate them; [] when valid. */
export function schemaErrors(pin: ChartPin, values: Values): string[] {
  const schema = JSON.parse(readFileSync(chartFile(pin, 'values.schema.json'), 'utf8'));
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  if (validate(withChartDefaults(chartDefaults(pin), values))) return [];
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`,
  );
}

/**
 * Values paths under which a chart takes maps or lists of any shape (Kubernetes objects,
 * command-line flags, annotations), per chart. Everything else we set must be a key of
 * the chart's values.yaml. Matched by whole path segments.
 */
export const FREE_FORM_PATHS: Readonly<Record<string, readonly string[]>> = {
  [CHARTS.clusterAutoscaler.chart]: [
    'extraArgs',
    'expanderPriorities',
    'rbac.serviceAccount.annotations',
    'podAnnotations',
    'podLabels',
    'additionalLabels',
    'nodeSelector',
    'affinity',
    'tolerations',
  ],
  [CHARTS.nodeTerminationHandler.chart]: [
    'serviceAccount.annotations',
    'podAnnotations',
    'podLabels',
    'customLabels',
    'nodeSelector',
    'affinity',
    'tolerations',
  ],
  [CHARTS.efsCsiDriver.chart]: [
    'controller.serviceAccount.annotations',
    'controller.podAnnotations',
    'controller.podLabels',
    'controller.tags',
    'controller.nodeSelector',
    'controller.affinity',
    'controller.tolerations',
    'node.podAnnotations',
    'node.podLabels',
    'node.nodeSelector',
    'node.affinity',
    'node.tolerations',
    // Read by templates/node-daemonset.yaml with hasKey, absent from values.yaml; the EFS
    // driver's test renders them with helm (test/lib/platform/efs-csi-driver.test.ts).
    'node.maxInflightMountCallsOptIn',
    'node.maxInflightMountCalls',
  ],
  [CHARTS.nvidiaDevicePlugin.chart]: [
    'config.map',
    'podAnnotations',
    'nodeSelector',
    'affinity',
    'tolerations',
  ],
};

/** Container resources: only these amounts, in requests and limits. */
const RESOURCE_AMOUNTS = ['cpu', 'memory'];

function underAny(path: readonly string[], prefixes: readonly string[]): boolean {
  return prefixes.some((prefix) => {
    const segments = prefix.split('.');
    return segments.length <= path.length && segments.every((segment, i) => path[i] === segment);
  });
}

/** Paths in a `resources` map other than {requests,limits}.{cpu,memory}. */
function unknownResourcePaths(resources: Values, path: readonly string[]): string[] {
  return Object.entries(resources).flatMap(([kind, amounts]) => {
    const at = [...path, kind];
    if (kind !== 'requests' && kind !== 'limits') return [at.join('.')];
    if (!isMap(amounts)) return [at.join('.')];
    return Object.keys(amounts)
      .filter((amount) => !RESOURCE_AMOUNTS.includes(amount))
      .map((amount) => [...at, amount].join('.'));
  });
}

/**
 * Key paths of `values` that the chart does not have, for charts without a schema: every
 * key we set must exist in the chart's defaults, down to the leaves, except under the
 * chart's FREE_FORM_PATHS; under a `resources` key only {requests,limits}.{cpu,memory}.
 */
export function unknownKeyPaths(pin: ChartPin, values: Values, defaults = chartDefaults(pin)): string[] {
  const freeForm = FREE_FORM_PATHS[pin.chart] ?? [];
  const walk = (ours: Values, theirs: unknown, path: readonly string[]): string[] =>
    Object.entries(ours).flatMap(([key, value]) => {
      const at = [...path, key];
      if (underAny(at, freeForm)) return [];
      if (!isMap(theirs) || !(key in theirs)) return [at.join('.')];
      if (!isMap(value)) return [];
      if (key === 'resources') return unknownResourcePaths(value, at);
      return walk(value, theirs[key], at);
    });
  return walk(values, defaults, []);
}
