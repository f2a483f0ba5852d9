/**
 * The chart downloader against an OCI registry stand-in on 127.0.0.1 that behaves like
 * Public ECR: manifests and blobs only with a bearer token, which its token endpoint hands
 * out anonymously for a pull scope after a 401 with a `WWW-Authenticate: Bearer` challenge;
 * blobs answered by a redirect to storage. helm itself pulls from the stand-in first, so it
 * is a registry helm accepts. Covers a good chart, a lock digest mismatch, a 404 manifest,
 * an unreachable host, a blob that is not its manifest's digest, a refused token and a
 * chart pinned by its tree digest alone; after every failure the cache holds nothing.
 */
import { execFile, execFileSync } from 'child_process';
import { createHash } from 'crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { promisify } from 'util';
import { parse } from 'yaml';
import { chartFolder, fetchChart } from '../../../tools/charts/fetch';
import { LockedChart } from '../../../tools/charts/lock';
import { bearerChallenge, HELM_CHART_LAYER, parseOciUrl } from '../../../tools/charts/oci';
import { lockFromIndex } from '../../../tools/charts/repo-index';
import { extractTgz } from '../../../tools/charts/tar';
import { treeDigest } from '../../../tools/charts/tree-digest';
import { helmEnv } from '../../support/helm';
import { goTool } from '../../support/tools';

const TOKEN = 'anonymous-pull-token';
const CONFIG_TYPE = 'application/vnd.cncf.helm.config.v1+json';

interface Served {
  readonly method: string;
  readonly url: string;
  readonly accept?: string;
  readonly authorization?: string;
}

let server: Server;
let registry: string;
let requests: Served[] = [];
/** repository -> tag -> manifest JSON; digest -> blob. */
const manifests = new Map<string, Map<string, Buffer>>();
const blobs = new Map<string, Buffer>();
let archive: Buffer;
let archiveDigest: string;
let archiveTree: string;
let refuseTokens = false;

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A helm chart manifest, as `helm push` writes it, whose chart layer claims `layerDigest`. */
function manifest(layerDigest: string, size: number, config: Buffer): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: CONFIG_TYPE, digest: `sha256:${sha256(config)}`, size: config.length },
      layers: [{ mediaType: HELM_CHART_LAYER, digest: `sha256:${layerDigest}`, size }],
    }),
  );
}

function handle(request: IncomingMessage, response: ServerResponse): void {
  requests.push({
    method: request.method ?? 'GET',
    url: request.url ?? '',
    accept: request.headers.accept,
    authorization: request.headers.authorization,
  });
  const url = new URL(request.url ?? '/', registry);
  if (url.pathname === '/token') {
    const scopes = url.searchParams.getAll('scope');
    if (
      refuseTokens ||
      url.searchParams.get('service') !== 'stand-in' ||
      !scopes.some((s) => /:pull$/.test(s))
    ) {
      response.writeHead(403).end('{"errors":[{"code":"DENIED"}]}');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: TOKEN }));
    return;
  }
  if (url.pathname.startsWith('/storage/')) {
    const blob = blobs.get(url.pathname.slice('/storage/'.length));
    response.writeHead(blob ? 200 : 404).end(blob ?? 'not found');
    return;
  }
  if (url.pathname === '/v2/' || url.pathname.startsWith('/v2/')) {
    if (request.headers.authorization !== `Bearer ${TOKEN}`) {
      response
        .writeHead(401, {
          'www-authenticate': `Bearer realm="${registry}/token",service="stand-in",scope="aws"`,
          'content-type': 'application/json',
        })
        .end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      return;
    }
    if (url.pathname === '/v2/') {
      response.writeHead(200).end('{}');
      return;
    }
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
    if (m && m[2] === 'manifests') {
      const body = manifests.get(m[1])?.get(m[3]);
      if (!body) {
        response
          .writeHead(404, { 'content-type': 'application/json' })
          .end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
        return;
      }
      response.writeHead(200, {
        'content-type': 'application/vnd.oci.image.manifest.v1+json',
        'docker-content-digest': `sha256:${sha256(body)}`,
        'content-length': body.length,
      });
      response.end(request.method === 'HEAD' ? undefined : body);
      return;
    }
    if (m && m[2] === 'blobs' && blobs.has(m[3].replace(/^sha256:/, ''))) {
      // Like ECR: the blob is served from storage elsewhere.
      response.writeHead(307, { location: `${registry}/storage/${m[3].replace(/^sha256:/, '')}` }).end();
      return;
    }
  }
  response.writeHead(404).end('not found');
}

function listen(s: Server): Promise<number> {
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));
}

beforeAll(async () => {
  const helm = goTool('helm');
  const work = mkdtempSync(join(tmpdir(), 'oci-chart-'));
  execFileSync(helm, ['create', join(work, 'demo')], { stdio: 'pipe', env: helmEnv() });
  execFileSync(helm, ['package', join(work, 'demo'), '--version', '1.2.3', '--destination', work], {
    stdio: 'pipe',
    env: helmEnv(),
  });
  archive = readFileSync(join(work, 'demo-1.2.3.tgz'));
  archiveDigest = sha256(archive);
  const unpacked = mkdtempSync(join(tmpdir(), 'oci-unpacked-'));
  extractTgz(archive, unpacked);
  archiveTree = treeDigest(join(unpacked, 'demo'));

  const config = Buffer.from(JSON.stringify({ name: 'demo', version: '1.2.3', apiVersion: 'v2' }));
  blobs.set(sha256(config), config);
  blobs.set(archiveDigest, archive);
  // A repository whose manifest names the real package's digest but whose storage holds other bytes.
  const tampered = Buffer.concat([archive, Buffer.from('x')]);
  const tamperedClaim = sha256('claimed');
  blobs.set(tamperedClaim, tampered);
  manifests.set('charts/demo', new Map([['1.2.3', manifest(archiveDigest, archive.length, config)]]));
  manifests.set('charts/tampered', new Map([['1.2.3', manifest(tamperedClaim, tampered.length, config)]]));

  server = createServer(handle);
  registry = `http://127.0.0.1:${await listen(server)}`;
}, 60_000);

afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

beforeEach(() => {
  requests = [];
  refuseTokens = false;
});

function host(): string {
  return registry.replace('http://', '');
}

function locked(repository = 'charts/demo', version = '1.2.3'): LockedChart {
  return {
    name: 'demo',
    version,
    repository: `oci://${host()}/${repository.replace(/\/[^/]+$/, '')}`,
    url: `oci://${host()}/${repository}:${version}`,
    digest: archiveDigest,
    treeDigest: archiveTree,
    note: 'stand-in registry',
  };
}

function emptyCache(): string {
  return mkdtempSync(join(tmpdir(), 'oci-cache-'));
}

function cacheContents(cache: string): string[] {
  return existsSync(cache) ? readdirSync(cache) : [];
}

describe('the stand-in registry', () => {
  it('is one helm pulls a chart from, through the same token dance', async () => {
    const dest = mkdtempSync(join(tmpdir(), 'oci-helm-pull-'));
    // Not execFileSync: the registry answers from this process.
    await promisify(execFile)(
      goTool('helm'),
      ['pull', `oci://${host()}/charts/demo`, '--version', '1.2.3', '--plain-http', '--destination', dest],
      { env: helmEnv(), timeout: 60_000 },
    );
    expect(sha256(readFileSync(join(dest, 'demo-1.2.3.tgz')))).toBe(archiveDigest);
    expect(requests.some((r) => r.url.startsWith('/token?'))).toBe(true);
  });
});

describe('fetchChart from an OCI registry', () => {
  it('takes an anonymous token, reads the manifest, pulls the chart layer and unpacks it, once', async () => {
    const cache = emptyCache();
    const chart = locked();
    await expect(fetchChart(chart, cache, { plainHttp: true })).resolves.toBe('fetched');
    expect(parse(readFileSync(join(chartFolder(cache, chart), 'Chart.yaml'), 'utf8'))).toMatchObject({
      name: 'demo',
      version: '1.2.3',
    });
    expect(cacheContents(cache).sort()).toEqual(['demo-1.2.3', 'demo-1.2.3.sha256']);

    const token = requests.find((r) => r.url.startsWith('/token?'));
    const query = new URL(token!.url, registry).searchParams;
    expect({ service: query.get('service'), scope: query.getAll('scope') }).toEqual({
      service: 'stand-in',
      scope: ['aws', 'repository:charts/demo:pull'],
    });
    const manifestRequests = requests.filter((r) => r.url === '/v2/charts/demo/manifests/1.2.3');
    expect(manifestRequests.map((r) => r.authorization)).toEqual([undefined, `Bearer ${TOKEN}`]);
    expect(manifestRequests[1].accept).toContain('application/vnd.oci.image.manifest.v1+json');
    expect(requests.map((r) => r.url)).toContain(`/v2/charts/demo/blobs/sha256:${archiveDigest}`);
    expect(requests.map((r) => r.url)).toContain(`/storage/${archiveDigest}`);

    requests = [];
    await expect(fetchChart(chart, cache, { plainHttp: true })).resolves.toBe('up to date');
    expect(requests).toEqual([]);
  });

  it('refuses a chart layer whose digest is not the locked one, and unpacks nothing', async () => {
    const cache = emptyCache();
    const chart = { ...locked(), digest: 'a'.repeat(64) };
    await expect(fetchChart(chart, cache, { plainHttp: true })).rejects.toThrow(
      `demo 1.2.3: the package at ${chart.url} has sha256 ${archiveDigest}, but charts.lock.json expects ${'a'.repeat(64)}; nothing was unpacked`,
    );
    expect(cacheContents(cache)).toEqual([]);
  });

  it('reports a 404 manifest with the chart, version, reference and manifest URL', async () => {
    const cache = emptyCache();
    const chart = locked('charts/demo', '9.9.9');
    await expect(fetchChart(chart, cache, { plainHttp: true })).rejects.toThrow(
      `demo 9.9.9: oci://${host()}/charts/demo:9.9.9: the manifest ${registry}/v2/charts/demo/manifests/9.9.9 answered 404 Not Found`,
    );
    expect(cacheContents(cache)).toEqual([]);
  });

  it('reports an unreachable registry with the chart, version and reference', async () => {
    const closed = createServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const cache = emptyCache();
    const chart = { ...locked(), url: `oci://127.0.0.1:${port}/charts/demo:1.2.3` };
    await expect(fetchChart(chart, cache, { plainHttp: true })).rejects.toThrow(
      new RegExp(
        `^demo 1\\.2\\.3: could not download oci://127\\.0\\.0\\.1:${port}/charts/demo:1\\.2\\.3 .*ECONNREFUSED`,
      ),
    );
    expect(cacheContents(cache)).toEqual([]);
  });

  it('refuses a blob that is not the digest its manifest gives, even with no digest in the lock', async () => {
    const cache = emptyCache();
    const chart = { ...locked('charts/tampered'), digest: null };
    await expect(fetchChart(chart, cache, { plainHttp: true })).rejects.toThrow(
      `demo 1.2.3: ${chart.url}: the chart layer ${registry}/v2/charts/tampered/blobs/sha256:${sha256('claimed')} ` +
        `has sha256 ${sha256(Buffer.concat([archive, Buffer.from('x')]))}, not the ${sha256('claimed')} its manifest gives`,
    );
    expect(cacheContents(cache)).toEqual([]);
  });

  it('reports a token endpoint that refuses the anonymous pull', async () => {
    refuseTokens = true;
    const cache = emptyCache();
    const chart = locked();
    await expect(fetchChart(chart, cache, { plainHttp: true })).rejects.toThrow(
      new RegExp(
        `^demo 1\\.2\\.3: ${chart.url}: the registry's token endpoint ${registry}/token\\?.* answered 403 Forbidden`,
      ),
    );
    expect(cacheContents(cache)).toEqual([]);
  });

  it('fetches a chart pinned by its tree digest alone, and refuses it when the tree differs', async () => {
    const treeOnly = { ...locked(), digest: null };
    await expect(fetchChart(treeOnly, emptyCache(), { plainHttp: true })).resolves.toBe('fetched');
    const cache = emptyCache();
    await expect(
      fetchChart({ ...treeOnly, treeDigest: 'd'.repeat(64) }, cache, { plainHttp: true }),
    ).rejects.toThrow(
      `has tree digest ${archiveTree}, but charts.lock.json expects ${'d'.repeat(64)}; nothing was kept`,
    );
    expect(cacheContents(cache)).toEqual([]);
  });
});

describe('npm run charts -- --update-lock for an OCI chart', () => {
  it("records the chart layer's digest once the package has the locked tree, and it then fetches", async () => {
    const unconfirmed = { ...locked(), digest: null, note: 'not confirmed' };
    const { charts, failures } = await lockFromIndex([unconfirmed], ['demo'], { plainHttp: true });
    expect(failures).toEqual([]);
    expect(charts).toEqual([
      {
        ...unconfirmed,
        digest: archiveDigest,
        note: `chart layer of the OCI manifest ${unconfirmed.url}, whose package has the locked tree digest`,
      },
    ]);
    await expect(fetchChart(charts[0], emptyCache(), { plainHttp: true })).resolves.toBe('fetched');
  });

  it('records nothing when the package is not the locked tree', async () => {
    const other = { ...locked(), digest: null, treeDigest: 'e'.repeat(64) };
    const { charts, failures } = await lockFromIndex([other], ['demo'], { plainHttp: true });
    expect(failures).toEqual([
      `demo 1.2.3: the chart layer sha256 ${archiveDigest} at ${other.url} unpacks to tree digest ${archiveTree}, ` +
        `not the locked ${'e'.repeat(64)}; not recorded`,
    ]);
    expect(charts).toEqual([other]);
  });
});

describe('parseOciUrl and bearerChallenge', () => {
  it('splits a reference into registry, repository and tag, and refuses one without a tag', () => {
    expect(parseOciUrl('oci://public.ecr.aws/aws-ec2/helm/aws-node-termination-handler:0.27.6')).toEqual({
      registry: 'public.ecr.aws',
      repository: 'aws-ec2/helm/aws-node-termination-handler',
      tag: '0.27.6',
    });
    expect(() => parseOciUrl('oci://public.ecr.aws/aws-ec2/helm/chart')).toThrow(
      'oci://public.ecr.aws/aws-ec2/helm/chart is not an OCI chart reference of the form oci://<registry>/<repository>:<tag>',
    );
  });

  it('reads the realm, service and scope of a Bearer challenge, and nothing of a Basic one', () => {
    expect(
      bearerChallenge('Bearer realm="https://public.ecr.aws/token/",service="public.ecr.aws",scope="aws"'),
    ).toEqual({
      realm: 'https://public.ecr.aws/token/',
      service: 'public.ecr.aws',
      scope: 'aws',
    });
    expect(bearerChallenge('Basic realm="x"')).toBeUndefined();
    expect(bearerChallenge(null)).toBeUndefined();
  });
});
