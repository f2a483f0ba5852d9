/**
 * The chart downloader against a real chart repository served on 127.0.0.1: charts made
 * by `helm create` and `helm package`, indexed by `helm repo index`, so the digests in the
 * lock are the ones a repository's index.yaml lists. Covers a good package, a package or
 * tree digest mismatch, a 404, an unreachable host, a package that is another chart, and a
 * chart the lock has no digest for; after every failure the cache holds nothing.
 * (OCI registries: oci.test.ts.)
 */
import { execFileSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'fs';
import { AddressInfo } from 'net';
import { createServer, Server } from 'http';
import { tmpdir } from 'os';
import { join } from 'path';
import { gzipSync } from 'zlib';
import { parse } from 'yaml';
import { chartFolder, fetchChart } from '../../../tools/charts/fetch';
import { LockedChart, readLock, writeLock } from '../../../tools/charts/lock';
import { lockFromIndex } from '../../../tools/charts/repo-index';
import { extractTgz } from '../../../tools/charts/tar';
import { treeDigest } from '../../../tools/charts/tree-digest';
import { helmEnv } from '../../support/helm';
import { goTool } from '../../support/tools';

let server: Server;
let baseUrl: string;
let repoDir: string;
let index: { entries: Record<string, Array<{ version: string; digest: string; urls: string[] }>> };
/** The tree digest of the demo chart's package, unpacked. */
let demoTree: string;

/** A chart named `name` at `version`, packaged into the repository folder. */
function packageChart(helm: string, work: string, name: string, version: string, into = repoDir): void {
  execFileSync(helm, ['create', join(work, name)], { stdio: 'pipe', env: helmEnv() });
  execFileSync(helm, ['package', join(work, name), '--version', version, '--destination', into], {
    stdio: 'pipe',
    env: helmEnv(),
  });
}

function listen(s: Server): Promise<number> {
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));
}

beforeAll(async () => {
  const helm = goTool('helm');
  const work = mkdtempSync(join(tmpdir(), 'chart-src-'));
  repoDir = mkdtempSync(join(tmpdir(), 'chart-repo-'));
  packageChart(helm, work, 'demo', '1.2.3');
  // A package at the URL of `impostor` 0.1.0 that is really another chart.
  const other = mkdtempSync(join(tmpdir(), 'chart-other-'));
  packageChart(helm, work, 'other', '0.1.0', other);
  writeFileSync(join(repoDir, 'impostor-0.1.0.tgz'), readFileSync(join(other, 'other-0.1.0.tgz')));

  server = createServer((request, response) => {
    const file = join(repoDir, (request.url ?? '/').replace(/^\/+/, ''));
    if (request.url?.includes('..') || !existsSync(file)) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/gzip' }).end(readFileSync(file));
  });
  baseUrl = `http://127.0.0.1:${await listen(server)}`;
  execFileSync(helm, ['repo', 'index', repoDir, '--url', baseUrl], { stdio: 'pipe', env: helmEnv() });
  index = parse(readFileSync(join(repoDir, 'index.yaml'), 'utf8'));
  const unpacked = mkdtempSync(join(tmpdir(), 'chart-unpacked-'));
  extractTgz(readFileSync(join(repoDir, 'demo-1.2.3.tgz')), unpacked);
  demoTree = treeDigest(join(unpacked, 'demo'));
}, 60_000);

afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** The lock entry for `name` `version` as the repository's index lists it. */
function locked(name: string, version: string): LockedChart {
  const entry = index.entries[name].find((e) => e.version === version)!;
  return {
    name,
    version,
    repository: baseUrl,
    url: entry.urls[0],
    digest: entry.digest,
    treeDigest: name === 'demo' ? demoTree : null,
    note: 'test repository',
  };
}

function emptyCache(): string {
  return mkdtempSync(join(tmpdir(), 'chart-cache-'));
}

/** Everything in the cache folder: after a failure, nothing (no chart, no temporary folder). */
function cacheContents(cache: string): string[] {
  return existsSync(cache) ? readdirSync(cache) : [];
}

describe('fetchChart', () => {
  it('downloads, verifies and unpacks a good package into <cache>/<chart>-<version>, once', async () => {
    const cache = emptyCache();
    const demo = locked('demo', '1.2.3');
    expect(demo.url).toBe(`${baseUrl}/demo-1.2.3.tgz`);
    await expect(fetchChart(demo, cache)).resolves.toBe('fetched');
    const folder = chartFolder(cache, demo);
    expect(parse(readFileSync(join(folder, 'Chart.yaml'), 'utf8'))).toMatchObject({
      name: 'demo',
      version: '1.2.3',
    });
    // The unpacked folder is a chart helm can render.
    const manifests = execFileSync(goTool('helm'), ['template', 'x', folder], {
      encoding: 'utf8',
      env: helmEnv(),
    });
    expect(manifests).toMatch(/kind: Deployment/);
    expect(cacheContents(cache).sort()).toEqual(['demo-1.2.3', 'demo-1.2.3.sha256']);
    await expect(fetchChart(demo, cache)).resolves.toBe('up to date');
  });

  it('replaces a chart folder that did not come from the locked package', async () => {
    const cache = emptyCache();
    const demo = locked('demo', '1.2.3');
    mkdirSync(join(chartFolder(cache, demo), 'templates'), { recursive: true });
    writeFileSync(join(chartFolder(cache, demo), 'Chart.yaml'), 'name: demo\nversion: 1.2.3\n');
    await expect(fetchChart(demo, cache)).resolves.toBe('fetched');
    expect(existsSync(join(chartFolder(cache, demo), 'values.yaml'))).toBe(true);
  });

  it('refuses a package whose digest is not the locked one, and unpacks nothing', async () => {
    const cache = emptyCache();
    const demo = { ...locked('demo', '1.2.3'), digest: 'a'.repeat(64) };
    const actual = locked('demo', '1.2.3').digest;
    await expect(fetchChart(demo, cache)).rejects.toThrow(
      `demo 1.2.3: the package at ${demo.url} has sha256 ${actual}, but charts.lock.json expects ${'a'.repeat(64)}`,
    );
    expect(cacheContents(cache)).toEqual([]);
  });

  it('reports a 404 with the chart, version, URL and the package it expected', async () => {
    const cache = emptyCache();
    const missing = { ...locked('demo', '1.2.3'), version: '9.9.9', url: `${baseUrl}/demo-9.9.9.tgz` };
    await expect(fetchChart(missing, cache)).rejects.toThrow(
      `demo 9.9.9: ${baseUrl}/demo-9.9.9.tgz answered 404 Not Found; expected the chart package with sha256 ${missing.digest}`,
    );
    expect(cacheContents(cache)).toEqual([]);
  });

  it('reports an unreachable host with the chart, version and URL', async () => {
    const closed = createServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const cache = emptyCache();
    const unreachable = { ...locked('demo', '1.2.3'), url: `http://127.0.0.1:${port}/demo-1.2.3.tgz` };
    await expect(fetchChart(unreachable, cache)).rejects.toThrow(
      new RegExp(
        `^demo 1\\.2\\.3: could not download http://127\\.0\\.0\\.1:${port}/demo-1\\.2\\.3\\.tgz: .*ECONNREFUSED`,
      ),
    );
    expect(cacheContents(cache)).toEqual([]);
  });

  it('refuses a package that holds another chart, leaving no half chart', async () => {
    const cache = emptyCache();
    const url = `${baseUrl}/impostor-0.1.0.tgz`;
    const { createHash } = await import('crypto');
    const digest = createHash('sha256')
      .update(readFileSync(join(repoDir, 'impostor-0.1.0.tgz')))
      .digest('hex');
    const impostor: LockedChart = {
      name: 'impostor',
      version: '0.1.0',
      repository: baseUrl,
      url,
      digest,
      treeDigest: null,
      note: '',
    };
    await expect(fetchChart(impostor, cache)).rejects.toThrow(
      `impostor 0.1.0: the package at ${url} holds no impostor/Chart.yaml, not impostor 0.1.0`,
    );
    expect(cacheContents(cache)).toEqual([]);
  });

  it('refuses a package whose unpacked tree is not the locked one, and keeps nothing', async () => {
    const cache = emptyCache();
    const demo = { ...locked('demo', '1.2.3'), treeDigest: 'b'.repeat(64) };
    await expect(fetchChart(demo, cache)).rejects.toThrow(
      `demo 1.2.3: the chart unpacked from ${demo.url} (package sha256 ${demo.digest}) has tree digest ${demoTree}, ` +
        `but charts.lock.json expects ${'b'.repeat(64)}; nothing was kept`,
    );
    expect(cacheContents(cache)).toEqual([]);
  });

  it('fetches a chart pinned by its tree digest alone, and refuses it when the tree differs', async () => {
    const treeOnly = { ...locked('demo', '1.2.3'), digest: null };
    const cache = emptyCache();
    await expect(fetchChart(treeOnly, cache)).resolves.toBe('fetched');
    expect(treeDigest(chartFolder(cache, treeOnly))).toBe(demoTree);

    const other = emptyCache();
    await expect(fetchChart({ ...treeOnly, treeDigest: 'c'.repeat(64) }, other)).rejects.toThrow(
      `has tree digest ${demoTree}, but charts.lock.json expects ${'c'.repeat(64)}; nothing was kept`,
    );
    expect(cacheContents(other)).toEqual([]);
  });

  it('fetches again when the cached chart was changed after it was verified', async () => {
    const cache = emptyCache();
    const demo = locked('demo', '1.2.3');
    await expect(fetchChart(demo, cache)).resolves.toBe('fetched');
    const values = join(chartFolder(cache, demo), 'values.yaml');
    const original = readFileSync(values, 'utf8');
    writeFileSync(values, `${original}\nextra: true\n`);
    await expect(fetchChart(demo, cache)).resolves.toBe('fetched');
    expect(readFileSync(values, 'utf8')).toBe(original);
  });

  it('refuses, before any download, a chart the lock has neither digest for', async () => {
    const cache = emptyCache();
    const unverified = { ...locked('demo', '1.2.3'), digest: null, treeDigest: null, note: 'not confirmed' };
    await expect(fetchChart(unverified, cache)).rejects.toThrow(
      `demo 1.2.3: charts.lock.json records neither a package digest nor a tree digest for ${unverified.url} ` +
        '(not confirmed); refusing to fetch it unverified',
    );
    expect(cacheContents(cache)).toEqual([]);
  });

  it('refuses a package URL that is neither http(s) nor oci://', async () => {
    const cache = emptyCache();
    const ftp = { ...locked('demo', '1.2.3'), url: 'ftp://registry.example/charts/demo-1.2.3.tgz' };
    await expect(fetchChart(ftp, cache)).rejects.toThrow(
      'demo 1.2.3: ftp://registry.example/charts/demo-1.2.3.tgz is neither an http(s) nor an oci:// URL',
    );
    expect(cacheContents(cache)).toEqual([]);
  });
});

/** A one-member tar.gz whose member is named `name` (ustar header, hand-built). */
function tgzWithMember(name: string): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 'utf8');
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write('00000000002\0', 124);
  header.write('00000000000\0', 136);
  header.write('0', 156);
  header.write('ustar\x0000', 257);
  header.fill(' ', 148, 156);
  const sum = header.reduce((acc, byte) => acc + byte, 0);
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const data = Buffer.alloc(512);
  data.write('hi');
  return gzipSync(Buffer.concat([header, data, Buffer.alloc(1024)]));
}

describe('extractTgz', () => {
  it('unpacks a member inside the destination', () => {
    const dest = mkdtempSync(join(tmpdir(), 'tar-'));
    expect(extractTgz(tgzWithMember('chart/file.txt'), dest)).toEqual([join('chart', 'file.txt')]);
    expect(readFileSync(join(dest, 'chart', 'file.txt'), 'utf8')).toBe('hi');
  });

  it.each(['../escape.txt', 'chart/../../escape.txt', '/etc/escape.txt'])(
    'refuses a member that would land outside the destination: %s',
    (name) => {
      const dest = mkdtempSync(join(tmpdir(), 'tar-'));
      expect(() => extractTgz(tgzWithMember(name), dest)).toThrow(
        `archive member ${JSON.stringify(name)} would land outside the destination`,
      );
    },
  );

  it('refuses what is not gzip', () => {
    expect(() => extractTgz(Buffer.from('<html>not found</html>'), tmpdir())).toThrow(/^not a gzip archive/);
  });
});

describe('npm run charts -- --update-lock', () => {
  it('records the URL and digest the repository index lists, and the recorded chart then fetches', async () => {
    const stale: LockedChart = {
      name: 'demo',
      version: '1.2.3',
      repository: `${baseUrl}/`,
      url: `${baseUrl}/elsewhere/demo-1.2.3.tgz`,
      digest: null,
      treeDigest: null,
      note: 'not confirmed',
    };
    const other: LockedChart = {
      ...stale,
      name: 'untouched',
      url: 'https://example.org/untouched-1.2.3.tgz',
    };
    const file = join(mkdtempSync(join(tmpdir(), 'lock-')), 'charts.lock.json');
    writeFileSync(file, JSON.stringify({ '//': 'comment', charts: [stale, other] }));
    const { charts, failures } = await lockFromIndex(readLock(file).charts, ['demo']);
    expect(failures).toEqual([]);
    writeLock({ charts }, file);
    const written = readLock(file);
    expect(written.charts[0]).toMatchObject({
      url: locked('demo', '1.2.3').url,
      digest: locked('demo', '1.2.3').digest,
    });
    expect(written.charts[0].note).toMatch(
      new RegExp(`^index.yaml of ${baseUrl}/, entry created \\d{4}-\\d{2}-\\d{2}$`),
    );
    expect(written.charts[1]).toEqual(other);
    expect(JSON.parse(readFileSync(file, 'utf8'))['//']).toBe('comment');
    await expect(fetchChart(written.charts[0], emptyCache())).resolves.toBe('fetched');
  });

  it('names the chart, version and index when the index lacks the version, and leaves the entry', async () => {
    const missing: LockedChart = {
      ...locked('demo', '1.2.3'),
      version: '9.9.9',
      digest: null,
      treeDigest: null,
    };
    const { charts, failures } = await lockFromIndex([missing], ['demo']);
    expect(failures).toEqual([
      `demo 9.9.9: ${baseUrl}/index.yaml lists no demo 9.9.9 (newest listed: 1.2.3)`,
    ]);
    expect(charts).toEqual([missing]);
  });

  it('refuses a repository that has no index.yaml (OCI)', async () => {
    const oci: LockedChart = { ...locked('demo', '1.2.3'), repository: 'oci://registry.example/charts' };
    const { failures } = await lockFromIndex([oci], ['demo']);
    expect(failures).toEqual([
      'demo 1.2.3: oci://registry.example/charts is not an http(s) chart repository; it has no index.yaml',
    ]);
  });
});
