/**
 * `npm run charts [-- --dir <folder>] [--lock <file>] [--only <chart>]...`: downloads every
 * chart of charts.lock.json, verifies its digest and unpacks it into the chart cache that
 * the tests read (`$XDG_CACHE_HOME/jupyterhub-aws/charts`, unless UPSTREAM_CHARTS_DIR
 * points them elsewhere). With `--update-lock`, instead records each selected chart's URL
 * and digest from its repository's index.yaml in the lock (after a version bump). Exit 0
 * when every chart is done, 1 when any failed, 2 on bad arguments or an unreadable lock.
 */
import { parseArgs } from 'util';
import { chartCacheDir } from '../../lib/platform/chart-data';
import { fetchChart } from './fetch';
import { LOCK_FILE, LockedChart, readLock, writeLock } from './lock';
import { lockFromIndex } from './repo-index';

export const USAGE = `usage: npm run charts [-- [--dir <folder>] [--lock <file>] [--only <chart>]...]
  --dir <folder>   where to unpack (default ${chartCacheDir()})
  --lock <file>    the chart lock (default charts.lock.json)
  --only <chart>   fetch only this chart (repeatable)
  --update-lock    record the URL and digest of each selected chart from its repository's
                   index.yaml in the lock, instead of fetching (review the diff)
exit codes: 0 every chart in place; 1 a chart failed; 2 bad arguments or lock`;

export interface ChartsArgs {
  readonly dir: string;
  readonly lock: string;
  readonly only: readonly string[];
  readonly updateLock: boolean;
}

export function parseChartsArgs(argv: readonly string[]): ChartsArgs | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      dir: { type: 'string' },
      lock: { type: 'string' },
      only: { type: 'string', multiple: true },
      'update-lock': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  return {
    dir: values.dir ?? chartCacheDir(),
    lock: values.lock ?? LOCK_FILE,
    only: values.only ?? [],
    updateLock: values['update-lock'] ?? false,
  };
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
  console.log(`charts into ${args.dir}`);
  const failures = await fetchCharts(charts, args.dir, (line) => console.log(`  ${line}`));
  for (const failure of failures) console.error(`error: ${failure}`);
  return failures.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main().then((code) => process.exit(code));
}
