/**
 * The pinned upstream chart data in shared/upstream-charts, read through
 * UPSTREAM_CHARTS_DIR (CI sets it; locally it defaults to ../shared/upstream-charts).
 * Never copied into this repository.
 */
import Ajv from 'ajv';
import { existsSync, readFileSync } from 'fs';
import { join, resolve } from 'path';
import { parse } from 'yaml';
import { ChartPin } from '../../lib/platform/charts';
import { Values, withChartDefaults } from '../../lib/platform/helm-values';

export function upstreamChartsDir(): string {
  const dir = resolve(
    process.env.UPSTREAM_CHARTS_DIR ?? join(__dirname, '..', '..', '..', 'shared', 'upstream-charts'),
  );
  if (!existsSync(dir)) {
    throw new Error(
      `upstream chart data not found at ${dir}; set UPSTREAM_CHARTS_DIR to shared/upstream-charts`,
    );
  }
  return dir;
}

function chartFile(pin: ChartPin, file: string): string {
  return join(upstreamChartsDir(), `${pin.chart}-${pin.version}`, file);
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
 * Leaf key paths of `values` that the chart's default values.yaml does not have, for
 * charts without a schema. Paths under a free-form map (`freeForm` prefixes such as
 * `podAnnotations`, `extraArgs`) and under maps the chart leaves empty are allowed.
 */
export function unknownKeyPaths(pin: ChartPin, values: Values, freeForm: readonly string[] = []): string[] {
  const unknown: string[] = [];
  const walk = (ours: unknown, theirs: unknown, path: string[]) => {
    if (freeForm.some((prefix) => path.join('.').startsWith(prefix))) return;
    if (ours === null || typeof ours !== 'object' || Array.isArray(ours)) return;
    if (theirs === null || typeof theirs !== 'object' || Array.isArray(theirs)) {
      if (theirs === undefined) unknown.push(path.join('.'));
      return;
    }
    const theirMap = theirs as Values;
    if (Object.keys(theirMap).length === 0) return; // an empty default map is free-form by design
    for (const [key, value] of Object.entries(ours as Values)) {
      if (!(key in theirMap)) unknown.push([...path, key].join('.'));
      else walk(value, theirMap[key], [...path, key]);
    }
  };
  walk(values, chartDefaults(pin), []);
  return unknown;
}
