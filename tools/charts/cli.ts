/**
 * `npm run charts [-- --dir <folder>] [--lock <file>] [--only <chart>]...`: downloads every
 * chart of charts.lock.json, verifies its package digest and its tree digest and unpacks it
 * into the chart cache that the tests read (`$XDG_CACHE_HOME/jupyterhub-aws/charts`, unless
 * UPSTREAM_CHARTS_DIR points them elsewhere). With `--update-lock`, instead records each
 * selected chart's URL and digest from its repository's index.yaml in the lock (after a
 * version bump); with `--record-tree-digests`, records each selected chart's tree digest
 * from the chart folders in `--dir` (default UPSTREAM_CHARTS_DIR, else the cache). Exit 0
 * when every chart is done, 1 when any failed, 2 on bad arguments or an unreadable lock.
 */
import { parseArgs } from 'util';
import { join } from 'path';
import { chartCacheDir, chartDataDir } from '../../lib/platform/chart-data';
import { fetchChart } from './fetch';
import { LOCK_FILE, LockedChart, readLock, writeLock } from './lock';
import { lockFromIndex } from './repo-index';
import { packagedTreeDigest } from './tree-digest';

export const USAGE = `usage: npm run charts [-- [--dir <folder>] [--lock <file>] [--only <chart>]...]
  --dir <folder>   where to unpack (default ${chartCacheDir()});
                   with --record-tree-digests, where the chart folders are read
                   (default UPSTREAM_CHARTS_DIR, else the cache)
  --lock <file>    the chart lock (default charts.lock.json)
  --only <chart>   fetch only this chart (repeatable)
  --update-lock    record the URL and digest of each selected chart from its repository's
                   index.yaml in the lock, instead of fetching (review the diff); for an
                   OCI chart, the digest of its manifest's chart layer, once the package
                   is found to have the locked tree digest
  --record-tree-digests
                   record the tree digest of each selected chart, computed from its folder
                   <dir>/<chart>-<version>/ as helm packages it, in the lock (needs helm)
exit codes: 0 every chart in place; 1 a chart failed; 2 bad arguments or lock`;

export interface ChartsArgs {
  /** The folder given with --dir; undefined for the default of the mode. */
  readonly dir: string | undefined;
  readonly lock: string;
  readonly only: readonly string[];
  readonly updateLock: boolean;
  readonly recordTreeDigests: boolean;
}

export function parseChartsArgs(argv: readonly string[]): ChartsArgs | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      dir: { type: 'string' },
      lock: { type: 'string' },
      only: { type: 'string', multiple: true },
      'update-lock': { type: 'boolean' },
      'record-tree-digests': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  if (values['update-lock'] && values['record-tree-digests']) {
    throw new Error('--update-lock and --record-tree-digests: give one at a time');
  }
  return {
    dir: values.dir,
    lock: values.lock ?? LOCK_FILE,
    only: values.only ?? [],
    updateLock: values['update-lock'] ?? false,
    recordTreeDigests: values['record-tree-digests'] ?? false,
  };
}

/**
 * The lock with the tree digest of each chart named in `names` computed from its folder
 * `<dir>/<chart>-<version>/`; the failures, each naming the chart, are returned beside it.
 */
export function lockWithTreeDigests(
  charts: readonly LockedChart[],
  names: readonly string[],
  dir: string,
  helm?: string,
): { charts: LockedChart[]; failures: string[] } {
  const failures: string[] = [];
  const updated = charts.map((chart) => {
    if (!names.includes(chart.name)) return chart;
    try {
      return { ...chart, treeDigest: packagedTreeDigest(join(dir, `${chart.name}-${chart.version}`), helm) };
    } catch (error) {
      failures.push(`${chart.name} ${chart.version}: ${(error as Error).message}`);
      return chart;
    }
  });
  return { charts: updated, failures };
}

/** Fetches the selected charts one by one; returns the error message of each that failed. */
export async function fetchCharts(
  charts: readonly LockedChart[],
  dir: string,
  log: (line: string) => void,
): Promise<string[]> {
  const failures: string[] = [];
  for (const chart of charts) {
    try {
      log(`${chart.name} ${chart.version}: ${await fetchChart(chart, dir)}`);
    } catch (error) {
      failures.push((error as Error).message);
    }
  }
  return failures;
}

async function main(): Promise<number> {
  let args: ChartsArgs | 'help';
  let charts: readonly LockedChart[];
  try {
    args = parseChartsArgs(process.argv.slice(2));
    if (args === 'help') {
      console.log(USAGE);
      return 0;
    }
    const { only } = args;
    charts = readLock(args.lock).charts;
    const unknown = only.filter((name) => !charts.some((c) => c.name === name));
    if (unknown.length > 0) {
      throw new Error(
        `--only: ${unknown.join(', ')} not in the lock; it has ${charts.map((c) => c.name).join(', ')}`,
      );
    }
    if (only.length > 0) charts = charts.filter((c) => only.includes(c.name));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.recordTreeDigests) {
    const all = readLock(args.lock).charts;
    const dir = args.dir ?? chartDataDir() ?? chartCacheDir();
    console.log(`tree digests from ${dir}`);
    const { charts: updated, failures } = lockWithTreeDigests(
      all,
      charts.map((c) => c.name),
      dir,
    );
    writeLock({ charts: updated }, args.lock);
    for (const c of updated.filter((u, i) => u !== all[i]))
      console.log(`  ${c.name} ${c.version}: tree ${c.treeDigest}`);
    for (const failure of failures) console.error(`error: ${failure}`);
    return failures.length > 0 ? 1 : 0;
  }
  if (args.updateLock) {
    const all = readLock(args.lock).charts;
    const { charts: updated, failures } = await lockFromIndex(
      all,
      charts.map((c) => c.name),
    );
    writeLock({ charts: updated }, args.lock);
    for (const c of updated.filter((u, i) => u !== all[i]))
      console.log(`  ${c.name} ${c.version}: ${c.digest} ${c.url}`);
    for (const failure of failures) console.error(`error: ${failure}`);
    return failures.length > 0 ? 1 : 0;
  }
  const dir = args.dir ?? chartCacheDir();
  console.log(`charts into ${dir}`);
  const failures = await fetchCharts(charts, dir, (line) => console.log(`  ${line}`));
  for (const failure of failures) console.error(`error: ${failure}`);
  return failures.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main().then((code) => process.exit(code));
}
