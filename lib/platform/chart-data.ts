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

/** The folder of one pinned chart, or undefined when its data is not on this machine. */
export function pinnedChartDir(pin: ChartPin): string | undefined {
  const dir = chartDataDir();
  const chart = dir && join(dir, `${pin.chart}-${pin.version}`);
  return chart && existsSync(join(chart, 'Chart.yaml')) ? chart : undefined;
}
