/**
 * Helm values in layers, merged the way helm merges them (docs/architecture.md):
 *
 * 1. our layers, as helm merges repeated `-f` files ({@link mergeValues}): maps merge key
 *    by key, lists and scalars replace, and `null` replaces too, so it survives into the
 *    document helm receives;
 * 2. that document over the chart's defaults, as helm coalesces them
 *    ({@link withChartDefaults}): there a `null` removes the chart's default.
 *
 * Order, later wins: values/<chart>/base.yaml, values/<chart>/<env>.yaml, then the values
 * the typed construct generates (the ones another layer must agree with).
 */
import { existsSync, readFileSync } from 'fs';
import { join, relative } from 'path';
import { isDeepStrictEqual } from 'util';
import { LineCounter, Scalar, isMap as isYamlMap, isScalar, parseDocument } from 'yaml';
import { PROJECT_ROOT } from '../project-paths';

export type Values = { [key: string]: unknown };

export function isMap(value: unknown): value is Values {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The value at `path` (`['controller', 'nodeSelector']`), or undefined where the path ends early. */
export function valueAt(values: Values, path: readonly string[]): unknown {
  return path.reduce<unknown>((node, key) => (isMap(node) ? node[key] : undefined), values);
}

/**
 * Merges `layers` left to right, as helm does with repeated `-f` files. An explicit `null`
 * is kept: it replaces what lower layers set, and helm then drops the chart's default.
 */
export function mergeValues(...layers: readonly Values[]): Values {
  const merged: Values = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (isMap(value) && isMap(merged[key])) {
        merged[key] = mergeValues(merged[key] as Values, value);
      } else if (value !== undefined) {
        merged[key] = value;
      }
    }
  }
  return merged;
}

/**
 * The values a chart's templates see: `values` (the document we give helm) over the chart's
 * `defaults`. Maps merge, everything else of ours replaces the default, and a `null` of
 * ours removes the key, default included.
 */
export function withChartDefaults(defaults: Values, values: Values): Values {
  const result: Values = { ...defaults };
  for (const [key, value] of Object.entries(values)) {
    if (value === null) {
      delete result[key];
    } else if (isMap(value)) {
      result[key] = withChartDefaults(isMap(result[key]) ? (result[key] as Values) : {}, value);
    } else if (value !== undefined) {
      result[key] = value;
    }
  }
  return result;
}

/** A value a lower layer sets that a higher layer replaces with a different one. */
export interface OverriddenValue {
  readonly path: readonly string[];
  readonly lower: unknown;
  readonly upper: unknown;
}

/** Where `upper`, merged over `lower`, changes a value `lower` sets (maps compare key by key). */
export function overriddenValues(
  lower: Values,
  upper: Values,
  path: readonly string[] = [],
): OverriddenValue[] {
  return Object.entries(upper).flatMap(([key, value]): OverriddenValue[] => {
    if (value === undefined || !(key in lower)) return [];
    const below = lower[key];
    if (isMap(value) && isMap(below)) return overriddenValues(below, value, [...path, key]);
    return isDeepStrictEqual(below, value) ? [] : [{ path: [...path, key], lower: below, upper: value }];
  });
}

/** The folder of hand-written values files, one subfolder per chart. */
export const VALUES_DIR = join(PROJECT_ROOT, 'values');

/**
 * Construct context key naming another folder laid out like values/ (tests synthesize a
 * broken overlay from a copy). @default VALUES_DIR
 */
export const VALUES_DIR_CONTEXT = 'valuesDir';

/** A file's path relative to the working directory when inside it, as an operator would type it. */
export function displayPath(file: string): string {
  const path = relative(process.cwd(), file);
  return path.startsWith('..') ? file : path;
}

/** A parsed values file and where its keys are, for messages that name file, line and key. */
export interface ValuesFile {
  readonly path: string;
  readonly values: Values;
  /** The line (1-based) of the deepest key of `keyPath` the file sets; undefined when it sets none. */
  line(keyPath: readonly string[]): number | undefined;
}

/** `file:line` as editors jump to it. */
export function fileAndLine(file: ValuesFile, keyPath: readonly string[]): string {
  const line = file.line(keyPath);
  return `${displayPath(file.path)}${line ? `:${line}` : ''}`;
}

/** Reads a values file; a missing file is an empty layer. Throws naming the file and line on bad YAML. */
export function parseValuesFile(path: string): ValuesFile {
  const none: ValuesFile = { path, values: {}, line: () => undefined };
  if (!existsSync(path)) return none;
  const lineCounter = new LineCounter();
  const doc = parseDocument(readFileSync(path, 'utf8'), { lineCounter });
  const [error] = doc.errors;
  if (error) {
    const at = error.linePos?.[0]?.line;
    const reason = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new Error(`${displayPath(path)}${at ? `:${at}` : ''}: not valid YAML: ${reason}`);
  }
  const parsed: unknown = doc.toJS();
  if (parsed === null || parsed === undefined) return none;
  if (!isMap(parsed)) throw new Error(`${displayPath(path)}:1: must be a YAML map of chart values`);
  const line = (keyPath: readonly string[]): number | undefined => {
    let node: unknown = doc.contents;
    let found: number | undefined;
    for (const key of keyPath) {
      if (!isYamlMap(node)) break;
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
      const offset = (pair?.key as Scalar | undefined)?.range?.[0];
      if (!pair || offset === undefined) break;
      found = lineCounter.linePos(offset).line;
      node = pair.value;
    }
    return found;
  };
  return { path, values: parsed, line };
}

/** A values file as a map; a missing file is an empty layer. Throws naming the file on bad YAML. */
export function readValuesFile(path: string): Values {
  return parseValuesFile(path).values;
}

/** The values files for `chartDir` in `envName`, lowest first: base, then the environment's overlay. */
export function valuesFiles(chartDir: string, envName: string, valuesDir = VALUES_DIR): string[] {
  return [join(valuesDir, chartDir, 'base.yaml'), join(valuesDir, chartDir, `${envName}.yaml`)];
}

/** The file layers for `chartDir` in `envName`: base, then the environment's overlay. */
export function fileLayers(chartDir: string, envName: string, valuesDir = VALUES_DIR): Values[] {
  return valuesFiles(chartDir, envName, valuesDir).map(readValuesFile);
}
