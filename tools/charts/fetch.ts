/**
 * Downloads a locked chart package (over HTTP(S) from a chart repository, or from an OCI
 * registry), verifies its sha256 against the lock where the lock has one, unpacks it, and
 * verifies the unpacked chart's tree digest where the lock has one; then moves it into the
 * chart cache as `<cache>/<name>-<version>/` (the layout lib/platform/chart-data.ts reads).
 * An entry with neither digest is refused. The package is unpacked into a temporary folder
 * inside the cache and renamed into place only once it is whole, is the chart it claims to
 * be and has the locked tree, so a failed download or a wrong package leaves nothing behind.
 */
import { createHash } from 'crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { LockedChart } from './lock';
import { pullOciChart } from './oci';
import { extractTgz } from './tar';
import { treeDigest } from './tree-digest';

export interface FetchOptions {
  /** Milliseconds a download may take. @default 120000 */
  readonly timeoutMs?: number;
  /** Talk HTTP, not HTTPS, to OCI registries (helm's `--plain-http`). @default false */
  readonly plainHttp?: boolean;
}

export type FetchOutcome = 'fetched' | 'up to date';

/** The folder a locked chart unpacks to. */
export function chartFolder(cacheDir: string, chart: Pick<LockedChart, 'name' | 'version'>): string {
  return join(cacheDir, `${chart.name}-${chart.version}`);
}

/** Beside each unpacked chart: the digests it was verified against. */
function stampFile(cacheDir: string, chart: LockedChart): string {
  return `${chartFolder(cacheDir, chart)}.sha256`;
}

function stamp(chart: LockedChart): string {
  return `package ${chart.digest ?? 'unpinned'}\ntree ${chart.treeDigest ?? 'unpinned'}\n`;
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
        `expected the chart package${chart.digest ? ` with sha256 ${chart.digest}` : ''}`,
    );
  }
  return Buffer.from(await response.arrayBuffer());
}

/**
 * Makes `<cacheDir>/<name>-<version>/` hold the locked chart: does nothing when it is
 * already there, verified against the locked digests and with the locked tree, else
 * downloads, verifies and unpacks it. Throws, naming the chart, version, URL and what was
 * expected, on an entry with neither digest, a failed download, a package or tree digest
 * mismatch, or a package that is not that chart.
 */
export async function fetchChart(
  chart: LockedChart,
  cacheDir: string,
  options: FetchOptions = {},
): Promise<FetchOutcome> {
  const target = chartFolder(cacheDir, chart);
  const elsewhere = `set UPSTREAM_CHARTS_DIR to a folder holding ${chart.name}-${chart.version}/`;
  if (chart.digest === null && chart.treeDigest === null) {
    throw new Error(
      `${describe(chart)}: charts.lock.json records neither a package digest nor a tree digest for ${chart.url} ` +
        `(${chart.note}); refusing to fetch it unverified. Record the package's sha256 as ${chart.repository} lists it ` +
        `(npm run charts -- --update-lock), or its tree digest from a trusted copy (npm run charts -- --record-tree-digests), or ${elsewhere}`,
    );
  }
  const oci = chart.url.startsWith('oci://');
  if (!oci && !/^https?:\/\//.test(chart.url)) {
    throw new Error(
      `${describe(chart)}: ${chart.url} is neither an http(s) nor an oci:// URL. ` +
        `Unpack the chart into ${target}, or ${elsewhere}`,
    );
  }
  const stampPath = stampFile(cacheDir, chart);
  if (
    existsSync(join(target, 'Chart.yaml')) &&
    existsSync(stampPath) &&
    readFileSync(stampPath, 'utf8') === stamp(chart) &&
    (chart.treeDigest === null || treeDigest(target) === chart.treeDigest)
  ) {
    return 'up to date';
  }

  const timeoutMs = options.timeoutMs ?? 120_000;
  let archive: Buffer;
  if (oci) {
    try {
      archive = (await pullOciChart(chart.url, { timeoutMs, plainHttp: options.plainHttp })).archive;
    } catch (error) {
      throw new Error(`${describe(chart)}: ${(error as Error).message}`);
    }
  } else {
    archive = await download(chart, timeoutMs);
  }
  const actual = createHash('sha256').update(archive).digest('hex');
  if (chart.digest !== null && actual !== chart.digest) {
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
    if (chart.treeDigest !== null) {
      const tree = treeDigest(unpacked);
      if (tree !== chart.treeDigest) {
        throw new Error(
          `${describe(chart)}: the chart unpacked from ${chart.url} (package sha256 ${actual}) has tree digest ${tree}, ` +
            `but charts.lock.json expects ${chart.treeDigest}; nothing was kept`,
        );
      }
    }
    rmSync(stampPath, { force: true });
    rmSync(target, { recursive: true, force: true });
    renameSync(unpacked, target);
    writeFileSync(stampPath, stamp(chart));
    return 'fetched';
  } finally {
    rmSync(incoming, { recursive: true, force: true });
  }
}
