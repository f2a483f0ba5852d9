/**
 * Reads a chart repository's index.yaml for one chart version: the package URL and the
 * digest the repository lists for it; for a chart in an OCI registry, the digest of the
 * chart layer of its manifest. `npm run charts -- --update-lock` records them in
 * charts.lock.json; the fetch itself never trusts the index, only the lock.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse } from 'yaml';
import { LockedChart } from './lock';
import { pullOciChart } from './oci';
import { extractTgz } from './tar';
import { treeDigest } from './tree-digest';

export interface IndexedPackage {
  readonly url: string;
  readonly digest: string;
  /** When the repository indexed the package, if it says. */
  readonly created?: string;
}

/** `repository` with one trailing slash, for resolving relative package URLs. */
function base(repository: string): string {
  return repository.endsWith('/') ? repository : `${repository}/`;
}

/** The index entry of `chart`'s name and version; throws naming the chart, version and index URL. */
export async function indexedPackage(
  chart: Pick<LockedChart, 'name' | 'version' | 'repository'>,
  timeoutMs = 120_000,
): Promise<IndexedPackage> {
  const what = `${chart.name} ${chart.version}`;
  if (!/^https?:\/\//.test(chart.repository)) {
    throw new Error(`${what}: ${chart.repository} is not an http(s) chart repository; it has no index.yaml`);
  }
  const indexUrl = `${base(chart.repository)}index.yaml`;
  let text: string;
  try {
    const response = await fetch(indexUrl, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`answered ${response.status} ${response.statusText}`);
    text = await response.text();
  } catch (error) {
    const cause = (error as { cause?: Error }).cause;
    throw new Error(`${what}: could not read ${indexUrl}: ${cause?.message ?? (error as Error).message}`);
  }
  let entries: Array<{ version?: unknown; digest?: unknown; urls?: unknown; created?: unknown }>;
  try {
    entries = parse(text)?.entries?.[chart.name] ?? [];
  } catch (error) {
    throw new Error(`${what}: ${indexUrl} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const entry = entries.find((e) => String(e.version) === chart.version);
  if (!entry) {
    const listed = entries.slice(0, 5).map((e) => String(e.version));
    throw new Error(
      `${what}: ${indexUrl} lists no ${chart.name} ${chart.version}` +
        (listed.length > 0 ? ` (newest listed: ${listed.join(', ')})` : ` (it has no ${chart.name} at all)`),
    );
  }
  const url = Array.isArray(entry.urls) && typeof entry.urls[0] === 'string' ? entry.urls[0] : undefined;
  if (!url) throw new Error(`${what}: the entry in ${indexUrl} has no package URL`);
  if (typeof entry.digest !== 'string' || !/^[0-9a-f]{64}$/.test(entry.digest)) {
    throw new Error(
      `${what}: the entry in ${indexUrl} has no sha256 digest (${JSON.stringify(entry.digest)})`,
    );
  }
  return {
    url: new URL(url, base(chart.repository)).toString(),
    digest: entry.digest,
    created: entry.created === undefined ? undefined : String(entry.created),
  };
}

/**
 * The digest of the chart layer that the OCI registry's manifest for `chart.url` gives,
 * after pulling the layer (which must have that digest) and, when the lock has a tree
 * digest, checking that the package unpacks to that tree: a digest is recorded only for
 * the chart the lock already pins.
 */
export async function ociPackage(
  chart: LockedChart,
  options: { readonly plainHttp?: boolean; readonly timeoutMs?: number } = {},
): Promise<IndexedPackage> {
  const what = `${chart.name} ${chart.version}`;
  let pulled: { digest: string; archive: Buffer };
  try {
    pulled = await pullOciChart(chart.url, {
      timeoutMs: options.timeoutMs ?? 120_000,
      plainHttp: options.plainHttp,
    });
  } catch (error) {
    throw new Error(`${what}: ${(error as Error).message}`);
  }
  if (chart.treeDigest !== null) {
    const work = mkdtempSync(join(tmpdir(), 'oci-lock-'));
    try {
      extractTgz(pulled.archive, work);
      const tree = treeDigest(join(work, chart.name));
      if (tree !== chart.treeDigest) {
        throw new Error(
          `${what}: the chart layer sha256 ${pulled.digest} at ${chart.url} unpacks to tree digest ${tree}, ` +
            `not the locked ${chart.treeDigest}; not recorded`,
        );
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return { url: chart.url, digest: pulled.digest };
}

/**
 * The lock with each chart named in `names` re-read from its repository's index.yaml
 * (URL and digest), or for an OCI chart from its registry's manifest (digest); the
 * failures, each naming the chart, are returned beside it.
 */
export async function lockFromIndex(
  charts: readonly LockedChart[],
  names: readonly string[],
  options: { readonly plainHttp?: boolean } = {},
): Promise<{ charts: LockedChart[]; failures: string[] }> {
  const failures: string[] = [];
  const updated: LockedChart[] = [];
  for (const chart of charts) {
    if (!names.includes(chart.name)) {
      updated.push(chart);
      continue;
    }
    try {
      if (chart.url.startsWith('oci://')) {
        const found = await ociPackage(chart, options);
        const tree = chart.treeDigest === null ? '' : ', whose package has the locked tree digest';
        updated.push({
          ...chart,
          digest: found.digest,
          note: `chart layer of the OCI manifest ${chart.url}${tree}`,
        });
        continue;
      }
      const found = await indexedPackage(chart);
      const when = found.created ? `, entry created ${found.created.slice(0, 10)}` : '';
      updated.push({
        ...chart,
        url: found.url,
        digest: found.digest,
        note: `index.yaml of ${chart.repository}${when}`,
      });
    } catch (error) {
      failures.push((error as Error).message);
      updated.push(chart);
    }
  }
  return { charts: updated, failures };
}
