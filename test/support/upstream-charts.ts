/**
 * The pinned upstream chart data in shared/upstream-charts, read through
 * UPSTREAM_CHARTS_DIR (CI sets it; locally it defaults to ../shared/upstream-charts).
 * Never copied into this repository. nvidia-device-plugin is not there, so its values are
 * not key-checked (tests/lib/platform/nvidia-device-plugin.test.ts asserts them directly).
 */
import { existsSync, readFileSync } from 'fs';
import { join, resolve } from 'path';
import { parse } from 'yaml';
import { ChartPin } from '../../lib/platform/charts';
import { FREE_FORM_PATHS, schemaProblems, unknownValuePaths } from '../../lib/platform/chart-values';
import { Values } from '../../lib/platform/helm-values';

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

/** The chart's Chart.yaml at the pinned version. */
export function chartMetadata(pin: ChartPin): { version: string; appVersion: string } {
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

/**
 * Key paths of `values` that the chart does not have, for charts without a schema
 * (lib/platform/chart-values.ts, which the synth runs too), joined with dots.
 */
export function unknownKeyPaths(pin: ChartPin, values: Values, defaults = chartDefaults(pin)): string[] {
  return unknownValuePaths(pin.chart, defaults, values).map((path) => path.join('.'));
}
