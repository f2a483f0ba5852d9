/**
 * The pinned charts' own files, read where lib/platform/chart-data.ts finds them
 * (UPSTREAM_CHARTS_DIR, else the cache `npm run charts` fills); never copied into this
 * repository. Helpers for the offline checks of our values against each chart; the checks
 * themselves live in lib/platform/chart-values.ts, which the synth runs too.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { requireChartDir } from '../../lib/platform/chart-data';
import { ChartPin } from '../../lib/platform/charts';
import { FREE_FORM_PATHS, schemaProblems, unknownValuePaths } from '../../lib/platform/chart-values';
import { Values } from '../../lib/platform/helm-values';

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
  return schemaProblems(schema, chartDefaults(pin), values).map((p) => `/${p.path.join('/')} ${p.message}`);
}

export { FREE_FORM_PATHS };

/** Key paths of `values` that the chart does not have, for charts without a schema, joined with dots. */
export function unknownKeyPaths(pin: ChartPin, values: Values, defaults = chartDefaults(pin)): string[] {
  return unknownValuePaths(pin.chart, defaults, values).map((path) => path.join('.'));
}
