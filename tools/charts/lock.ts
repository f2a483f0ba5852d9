/**
 * The chart lock file (charts.lock.json at the repository root): every chart the product
 * installs, pinned by name, version and repository, with the URL of its package and two
 * independent digests: the sha256 of the package as its repository lists it (index.yaml,
 * or the chart layer of an OCI manifest), and the tree digest of the unpacked chart
 * (tree-digest.ts). A digest that could not be confirmed is null, and the `note` says why;
 * `npm run charts` refuses an entry with neither.
 */
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';

export interface LockedChart {
  readonly name: string;
  readonly version: string;
  /** The chart repository, as lib/platform/charts.ts gives it to helm. */
  readonly repository: string;
  /** The package's URL, as the repository's index.yaml lists it for this version. */
  readonly url: string;
  /**
   * sha256 of the package (64 hex digits), as the index lists it (for an OCI chart: the
   * digest of the manifest's chart layer, the same sha256 of the .tgz); null when unconfirmed.
   */
  readonly digest: string | null;
  /** The tree digest of the unpacked chart (tree-digest.ts); null when not recorded. */
  readonly treeDigest: string | null;
  /** Where the digest comes from, or why it is missing. */
  readonly note: string;
}

export interface ChartLock {
  readonly charts: readonly LockedChart[];
}

export const LOCK_FILE = join(__dirname, '..', '..', 'charts.lock.json');

const SHA256 = /^[0-9a-f]{64}$/;

/** The lock's entries, or an error naming the file, the entry and the field that is wrong. */
export function parseLock(text: string, file = LOCK_FILE): ChartLock {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not valid JSON: ${(error as Error).message}`);
  }
  const charts = (parsed as { charts?: unknown })?.charts;
  if (!Array.isArray(charts)) throw new Error(`${file}: needs a "charts" list`);
  const problems: string[] = [];
  charts.forEach((entry: Record<string, unknown>, i) => {
    const at = `${file}: charts[${i}]`;
    for (const key of ['name', 'version', 'repository', 'url', 'note'] as const) {
      if (typeof entry?.[key] !== 'string' || entry[key] === '')
        problems.push(`${at}.${key} must be a non-empty string`);
    }
    for (const key of ['digest', 'treeDigest'] as const) {
      const digest = entry?.[key];
      if (digest !== null && !(typeof digest === 'string' && SHA256.test(digest))) {
        problems.push(`${at}.${key}: ${JSON.stringify(digest)} is neither 64 lower-case hex digits nor null`);
      }
    }
  });
  const seen = new Set<string>();
  for (const entry of charts as LockedChart[]) {
    const key = `${entry.name}-${entry.version}`;
    if (seen.has(key)) problems.push(`${file}: ${entry.name} ${entry.version} is listed twice`);
    seen.add(key);
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return { charts: charts as LockedChart[] };
}

export function readLock(file = LOCK_FILE): ChartLock {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the chart lock ${file}: ${(error as Error).message}`);
  }
  return parseLock(text, file);
}

/** Writes `lock` to `file`, keeping the file's other top-level keys (its `//` comment). */
export function writeLock(lock: ChartLock, file = LOCK_FILE): void {
  const previous = JSON.parse(readFileSync(file, 'utf8'));
  writeFileSync(file, `${JSON.stringify({ ...previous, charts: lock.charts }, null, 2)}\n`);
}
