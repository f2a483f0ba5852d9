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
import { join } from 'path';
import { parse } from 'yaml';

export type Values = { [key: string]: unknown };

export function isMap(value: unknown): value is Values {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
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

/** The folder of hand-written values files, one subfolder per chart. */
export const VALUES_DIR = join(__dirname, '..', '..', 'values');

/** A values file as a map; a missing file is an empty layer. Throws naming the file on bad YAML. */
export function readValuesFile(path: string): Values {
  if (!existsSync(path)) return {};
  let parsed: unknown;
  try {
    parsed = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: not valid YAML: ${(error as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isMap(parsed)) throw new Error(`${path}: must be a YAML map of chart values`);
  return parsed;
}

/** The file layers for `chartDir` in `envName`: base, then the environment's overlay. */
export function fileLayers(chartDir: string, envName: string, valuesDir = VALUES_DIR): Values[] {
  return [
    readValuesFile(join(valuesDir, chartDir, 'base.yaml')),
    readValuesFile(join(valuesDir, chartDir, `${envName}.yaml`)),
  ];
}
