/**
 * Where the pinned charts' files (Chart.yaml, values.yaml, templates/) are on this machine,
 * for the checks and renders that need them: `UPSTREAM_CHARTS_DIR` when set, else the
 * download cache that `npm run charts` fills (`$XDG_CACHE_HOME/jupyterhub-aws/charts`,
 * default `~/.cache/...`). Each chart is in `<dir>/<chart>-<version>/`.
 */
import { existsSync } from 'fs';
import { homedir } from 'os';
import { join, resolve } from 'path';
import { ChartPin } from './charts';

/** A chart by name and version: a {@link ChartPin}, or a release's chart and version. */
export type ChartRef = Pick<ChartPin, 'chart' | 'version'>;

/** The download cache folder (whether or not it exists yet). */
export function chartCacheDir(): string {
  const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cacheHome, 'jupyterhub-aws', 'charts');
}

/** The folder that holds the pinned charts: `UPSTREAM_CHARTS_DIR`, else the cache; undefined when neither exists. */
export function chartDataDir(): string | undefined {
  const configured = process.env.UPSTREAM_CHARTS_DIR;
  if (configured) return existsSync(configured) ? resolve(configured) : undefined;
  const cache = chartCacheDir();
  return existsSync(cache) ? cache : undefined;
}

/** Where one chart's folder is looked for, for messages: under chartDataDir(), else under what it would be. */
export function expectedChartDir(pin: ChartRef): string {
  const dir =
    chartDataDir() ??
    (process.env.UPSTREAM_CHARTS_DIR ? resolve(process.env.UPSTREAM_CHARTS_DIR) : chartCacheDir());
  return join(dir, `${pin.chart}-${pin.version}`);
}

/** The folder of one pinned chart, or undefined when its data is not on this machine. */
export function pinnedChartDir(pin: ChartRef): string | undefined {
  const dir = chartDataDir();
  const chart = dir && join(dir, `${pin.chart}-${pin.version}`);
  return chart && existsSync(join(chart, 'Chart.yaml')) ? chart : undefined;
}

/** What to do when chart data is missing, for the one message a test run stops with. */
export function chartDataHelp(): string {
  return (
    'run `npm run charts` to download the pinned charts (charts.lock.json) into ' +
    `${chartCacheDir()}, or set UPSTREAM_CHARTS_DIR to a folder that holds them as <chart>-<version>/`
  );
}

/** The folder of one pinned chart; throws, naming the folder and what to run, when it is missing. */
export function requireChartDir(pin: ChartRef): string {
  const dir = pinnedChartDir(pin);
  if (!dir)
    throw new Error(
      `chart ${pin.chart} ${pin.version} not found at ${expectedChartDir(pin)}: ${chartDataHelp()}`,
    );
  return dir;
}
