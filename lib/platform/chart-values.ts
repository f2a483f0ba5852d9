/**
 * Checks Helm values against a pinned chart's own data, as helm would and beyond: with the
 * chart's values.schema.json where it ships one (validated on the chart defaults merged
 * with ours, as helm validates), else by key path, since helm silently ignores a key the
 * chart does not read (`proxyy:`). Pure logic over the chart's files; where they are is
 * chart-data.ts's business.
 */
import Ajv, { ValidateFunction } from 'ajv';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { CHARTS, ChartPin } from './charts';
import { pinnedChartDir } from './chart-data';
import { Values, isMap, withChartDefaults } from './helm-values';

/** A chart's defaults and, when it ships one, its values schema. */
export interface ChartData {
  readonly defaults: Values;
  /** @default none: the chart has no values.schema.json, so its keys are checked by path */
  readonly schema?: object;
}

const loaded = new Map<string, ChartData>();

/** The pinned chart's defaults and schema, or undefined when its data is not on this machine. Read once per folder. */
export function pinnedChartData(pin: ChartPin): ChartData | undefined {
  const dir = pinnedChartDir(pin);
  if (!dir) return undefined;
  const cached = loaded.get(dir);
  if (cached) return cached;
  const defaults = (parse(readFileSync(join(dir, 'values.yaml'), 'utf8')) ?? {}) as Values;
  const schemaFile = join(dir, 'values.schema.json');
  const schema = existsSync(schemaFile)
    ? (JSON.parse(readFileSync(schemaFile, 'utf8')) as object)
    : undefined;
  const data = { defaults, schema };
  loaded.set(dir, data);
  return data;
}

/**
 * Values paths under which a chart takes maps or lists of any shape (Kubernetes objects,
 * command-line flags, annotations), per chart. Everything else we set must be a key of
 * the chart's values.yaml. Matched by whole path segments: a string is split at its dots,
 * a list names the segments of a path whose keys contain dots (`grafana.ini`).
 */
export const FREE_FORM_PATHS: Readonly<Record<string, readonly (string | readonly string[])[]>> = {
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
    'nodeSelector',
    'affinity',
    'tolerations',
    'podAnnotations',
  ],
  [CHARTS.grafana.chart]: [
    // Turned into grafana.ini section by section (templates/_config.tpl).
    ['grafana.ini'],
    'envValueFrom',
    'service.annotations',
    'nodeSelector',
    // Files whose contents are the maps' values (templates/_config.tpl, configSecret.yaml).
    'datasources',
    'dashboardProviders',
    'dashboards',
    // Read by the templates, only commented out in values.yaml: templates/serviceaccount.yaml,
    // templates/pvc.yaml and statefulset.yaml, templates/_pod.tpl.
    'serviceAccount.annotations',
    'persistence.storageClassName',
    'priorityClassName',
  ],
  [CHARTS.dcgmExporter.chart]: ['nodeSelector', 'affinity', 'tolerations'],
};

/** Container resources: only these amounts, in requests and limits. */
const RESOURCE_AMOUNTS = ['cpu', 'memory'];

function underAny(path: readonly string[], prefixes: readonly (string | readonly string[])[]): boolean {
  return prefixes.some((prefix) => {
    const segments = typeof prefix === 'string' ? prefix.split('.') : prefix;
    return segments.length <= path.length && segments.every((segment, i) => path[i] === segment);
  });
}

/** Paths in a `resources` map other than {requests,limits}.{cpu,memory}. */
function unknownResourcePaths(resources: Values, path: readonly string[]): string[][] {
  return Object.entries(resources).flatMap(([kind, amounts]) => {
    const at = [...path, kind];
    if (kind !== 'requests' && kind !== 'limits') return [at];
    if (!isMap(amounts)) return [at];
    return Object.keys(amounts)
      .filter((amount) => !RESOURCE_AMOUNTS.includes(amount))
      .map((amount) => [...at, amount]);
  });
}

/**
 * Key paths of `values` that the chart does not have, for charts without a schema: every
 * key we set must exist in the chart's defaults, down to the leaves, except under the
 * chart's FREE_FORM_PATHS; under a `resources` key only {requests,limits}.{cpu,memory}.
 */
export function unknownValuePaths(chart: string, defaults: Values, values: Values): string[][] {
  const freeForm = FREE_FORM_PATHS[chart] ?? [];
  const walk = (ours: Values, theirs: unknown, path: readonly string[]): string[][] =>
    Object.entries(ours).flatMap(([key, value]) => {
      const at = [...path, key];
      if (underAny(at, freeForm)) return [];
      if (!isMap(theirs) || !(key in theirs)) return [at];
      if (!isMap(value)) return [];
      if (key === 'resources') return unknownResourcePaths(value, at);
      return walk(value, theirs[key], at);
    });
  return walk(values, defaults, []);
}

const compiled = new WeakMap<object, ValidateFunction>();

/** One schema violation: where in the values, and what the schema says, in a few words. */
export interface SchemaProblem {
  readonly path: readonly string[];
  readonly message: string;
}

function decodePointer(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * Schema violations of the chart defaults merged with `values`, as helm validates them;
 * [] when valid. Messages stay short: the offending key, never the value's whole text.
 */
export function schemaProblems(schema: object, defaults: Values, values: Values): SchemaProblem[] {
  let validate = compiled.get(schema);
  // Compiled once per schema; without ajv's optimizing pass, which costs more than a synth
  // saves by it (the jupyterhub schema compiles in about half the time), same results.
  if (!validate)
    compiled.set(
      schema,
      (validate = new Ajv({ allErrors: true, strict: false, code: { optimize: false } }).compile(schema)),
    );
  if (validate(withChartDefaults(defaults, values))) return [];
  return (validate.errors ?? []).map((e) => {
    const path = decodePointer(e.instancePath);
    const params = e.params as Record<string, unknown>;
    if (e.keyword === 'additionalProperties')
      return { path: [...path, String(params.additionalProperty)], message: 'is not a key of the chart' };
    if (e.keyword === 'type') return { path, message: `must be ${String(params.type)}` };
    if (e.keyword === 'enum')
      return { path, message: `must be one of ${JSON.stringify(params.allowedValues)}` };
    return { path, message: e.message ?? e.keyword };
  });
}

/**
 * Everything wrong with `values` for the chart: schema violations where the chart has a
 * schema, else keys it does not have.
 */
export function chartValueProblems(chart: string, data: ChartData, values: Values): SchemaProblem[] {
  if (data.schema) return schemaProblems(data.schema, data.defaults, values);
  return unknownValuePaths(chart, data.defaults, values).map((path) => ({
    path,
    message: 'is not a key of the chart',
  }));
}
