/**
 * Downloads a locked chart package, verifies its sha256 against the lock, and unpacks it
 * into the chart cache as `<cache>/<name>-<version>/` (the layout lib/platform/chart-data.ts
 * reads). The package is unpacked into a temporary folder inside the cache and renamed into
 * place only once it is whole and is the chart it claims to be, so a failed download or a
 * wrong package leaves no half chart behind.
 */
import { createHash } from 'crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { LockedChart } from './lock';
import { extractTgz } from './tar';

export interface FetchOptions {
  /** Milliseconds a download may take. @default 120000 */
  readonly timeoutMs?: number;
}

export type FetchOutcome = 'fetched' | 'up to date';

/** The folder a locked chart unpacks to. */
export function chartFolder(cacheDir: string, chart: Pick<LockedChart, 'name' | 'version'>): string {
  return join(cacheDir, `${chart.name}-${chart.version}`);
}

/** Beside each unpacked chart: the digest of the package it came from. */
function stampFile(cacheDir: string, chart: LockedChart): string {
  return `${chartFolder(cacheDir, chart)}.sha256`;
}

function describe(chart: LockedChart): string {
  return `${chart.name} ${chart.version}`;
}

async function download(chart: LockedChart, timeoutMs: number): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(chart.url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (error) {
    const cause = (error as { cause?: Error }).cause;
    const reason = cause?.message ?? (error as Error).message;
    throw new Error(`${describe(chart)}: could not download ${chart.url}: ${reason}`);
  }
  if (!response.ok) {
    throw new Error(
      `${describe(chart)}: ${chart.url} answered ${response.status} ${response.statusText}; ` +
        `expected the chart package with sha256 ${chart.digest}`,
    );
  }
  return Buffer.from(await response.arrayBuffer());
}

/**
 * Makes `<cacheDir>/<name>-<version>/` hold the locked chart: does nothing when it already
 * came from a package with the locked digest, else downloads, verifies and unpacks it.
 * Throws, naming the chart, version, URL and what was expected, on a chart without a
 * digest, a failed download, a digest mismatch or a package that is not that chart.
 */
export async function fetchChart(
  chart: LockedChart,
  cacheDir: string,
  options: FetchOptions = {},
): Promise<FetchOutcome> {
  const target = chartFolder(cacheDir, chart);
  if (chart.digest === null) {
    throw new Error(
      `${describe(chart)}: charts.lock.json records no verified digest for ${chart.url} (${chart.note}); ` +
        `refusing to fetch it unverified. Record the package's sha256 as ${chart.repository} lists it, ` +
        `or set UPSTREAM_CHARTS_DIR to a folder holding ${chart.name}-${chart.version}/`,
    );
  }
  if (!/^https?:\/\//.test(chart.url)) {
    throw new Error(
      `${describe(chart)}: ${chart.url} is not an http(s) URL; npm run charts downloads from chart repositories only. ` +
        `Unpack the chart into ${target}, or set UPSTREAM_CHARTS_DIR to a folder holding ${chart.name}-${chart.version}/`,
    );
  }
  const stamp = stampFile(cacheDir, chart);
  if (
    existsSync(join(target, 'Chart.yaml')) &&
    existsSync(stamp) &&
    readFileSync(stamp, 'utf8').trim() === chart.digest
  ) {
    return 'up to date';
  }

  const archive = await download(chart, options.timeoutMs ?? 120_000);
  const actual = createHash('sha256').update(archive).digest('hex');
  if (actual !== chart.digest) {
    throw new Error(
      `${describe(chart)}: the package at ${chart.url} has sha256 ${actual}, but charts.lock.json expects ${chart.digest}; ` +
        'nothing was unpacked',
    );
  }

  mkdirSync(cacheDir, { recursive: true });
  const incoming = mkdtempSync(join(cacheDir, '.incoming-'));
  try {
    try {
      extractTgz(archive, incoming);
    } catch (error) {
      throw new Error(`${describe(chart)}: cannot unpack ${chart.url}: ${(error as Error).message}`);
    }
    const unpacked = join(incoming, chart.name);
    const metadataFile = join(unpacked, 'Chart.yaml');
    const metadata = existsSync(metadataFile) ? (parse(readFileSync(metadataFile, 'utf8')) ?? {}) : undefined;
    if (metadata?.name !== chart.name || String(metadata?.version) !== chart.version) {
      const found = metadata ? `${metadata.name} ${metadata.version}` : `no ${chart.name}/Chart.yaml`;
      throw new Error(
        `${describe(chart)}: the package at ${chart.url} holds ${found}, not ${describe(chart)}`,
      );
    }
    rmSync(stamp, { force: true });
    rmSync(target, { recursive: true, force: true });
    renameSync(unpacked, target);
    writeFileSync(stamp, `${chart.digest}\n`);
    return 'fetched';
  } finally {
    rmSync(incoming, { recursive: true, force: true });
  }
}
