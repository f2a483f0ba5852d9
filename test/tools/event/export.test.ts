/**
 * `down`'s export, end to end on this machine: `npm run event -- down --kube-api` creates
 * the export Job through a stand-in of the Kubernetes API, which runs the Job's upload
 * container as its manifest says (the uploader from the ConfigMap, its arguments, the
 * volumes mapped onto temporary folders) with the hub's Python against moto's server
 * mode; the objects are read back from the archive bucket, and the recording cdktf
 * stand-in shows the archive stack is never destroyed.
 */
import { spawn, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'fs';
import { createServer, IncomingMessage, Server } from 'http';
import { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { PROJECT_ROOT } from '../../../lib/project-paths';
import { exportObjects, EXPORT_IMAGE, pinnedPythonPackage } from '../../../tools/event/export';
import { statePath } from '../../../tools/event/down';
import { TestPrometheus } from '../../e2e/support/prometheus';
import { Moto, startMoto } from '../../support/moto';
import { hubPython } from '../../support/tools';

jest.setTimeout(120_000);

/** Kubernetes objects as the stand-in keeps them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const REGION = 'us-west-2';
const BUCKET = 'hub-hackweek-archive-123456789012';

let moto: Moto;
let dir: string;

/** Runs Python with boto3 against moto; resolves with its stdout. */
function py(code: string): string {
  const run = spawnSync(hubPython(), ['-c', code], {
    env: { ...process.env, ...moto.env, AWS_DEFAULT_REGION: REGION, AWS_REGION: REGION },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`python failed: ${run.stderr}`);
  return run.stdout;
}

/** The archive bucket as the archive stack makes it: default encryption with its KMS key. */
function createArchive(): string {
  return py(`
import boto3
key = boto3.client('kms').create_key()['KeyMetadata']['Arn']
s3 = boto3.client('s3')
s3.create_bucket(Bucket='${BUCKET}', CreateBucketConfiguration={'LocationConstraint': '${REGION}'})
s3.put_bucket_versioning(Bucket='${BUCKET}', VersioningConfiguration={'Status': 'Enabled'})
s3.put_bucket_encryption(Bucket='${BUCKET}', ServerSideEncryptionConfiguration={'Rules': [
  {'ApplyServerSideEncryptionByDefault': {'SSEAlgorithm': 'aws:kms', 'KMSMasterKeyID': key}}]})
print(key)
`).trim();
}

interface StoredObject {
  key: string;
  body: string;
  sse: string;
  kmsKey: string;
}

/** Every object of the bucket, with its content (base64) and encryption headers. */
function readBack(): StoredObject[] {
  return JSON.parse(
    py(`
import base64, json, boto3
s3 = boto3.client('s3')
out = []
for o in s3.list_objects_v2(Bucket='${BUCKET}').get('Contents', []):
    got = s3.get_object(Bucket='${BUCKET}', Key=o['Key'])
    out.append({'key': o['Key'], 'body': base64.b64encode(got['Body'].read()).decode(),
                'sse': got.get('ServerSideEncryption'), 'kmsKey': got.get('SSEKMSKeyId')})
print(json.dumps(out))
`),
  ) as StoredObject[];
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => resolve(text));
  });
}

/**
 * A Kubernetes API that keeps what it is given and runs a Job when it is created: the
 * `upload` container's command, with the uploader and report from the ConfigMap written
 * to folders and the claims' mount paths replaced by the given folders.
 */
function standInKube(volumes: Record<string, string>, calls: string[], kept: Map<string, Json>) {
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://kube');
    calls.push(`${req.method} ${url.pathname}`);
    const text = await body(req);
    const send = (status: number, json: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    if (req.method === 'POST') {
      const object = JSON.parse(text);
      const path = `${url.pathname}/${object.metadata.name}`;
      if (kept.has(path)) return send(409, { reason: 'AlreadyExists' });
      kept.set(path, object);
      if (object.kind === 'Job') await runJob(object, path);
      return send(201, object);
    }
    if (req.method === 'PUT') {
      kept.set(url.pathname, JSON.parse(text));
      return send(200, JSON.parse(text));
    }
    if (req.method === 'DELETE') {
      const existed = kept.delete(url.pathname);
      return send(existed ? 200 : 404, {});
    }
    if (url.pathname.endsWith('/pods')) {
      const job = url.searchParams.get('labelSelector')!.replace('job-name=', '');
      const pod = kept.get(`pod/${job}`);
      return send(200, { items: pod ? [pod] : [] });
    }
    if (url.pathname.endsWith('/log')) {
      const name = url.pathname.split('/').slice(-2)[0];
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end(kept.get(`log/${name}`)?.text ?? '');
    }
    const found = kept.get(url.pathname);
    return found ? send(200, found) : send(404, {});
  });

  async function runJob(job: Json, path: string): Promise<void> {
    const spec = job.spec.template.spec;
    const work = mkdtempSync(join(dir, 'job-'));
    const mountPaths: Record<string, string> = {};
    const container = spec.containers.find((c: Json) => c.name === 'upload');
    for (const mount of container.volumeMounts) {
      const volume = spec.volumes.find((v: Json) => v.name === mount.name);
      if (volume.persistentVolumeClaim) {
        expect(mount.readOnly).toBe(true);
        expect(volume.persistentVolumeClaim.readOnly).toBe(true);
        mountPaths[mount.mountPath] = volumes[volume.persistentVolumeClaim.claimName];
      } else if (volume.configMap) {
        const map = kept.get(`/api/v1/namespaces/jupyterhub/configmaps/${volume.configMap.name}`)!;
        const folder = join(work, mount.name);
        mkdirSync(folder);
        for (const item of volume.configMap.items) {
          const content =
            map.data?.[item.key] !== undefined
              ? Buffer.from(map.data[item.key])
              : Buffer.from(map.binaryData[item.key], 'base64');
          writeFileSync(join(folder, item.path), content);
        }
        mountPaths[mount.mountPath] = folder;
      }
    }
    const local = (arg: string) =>
      Object.entries(mountPaths).reduce((a, [from, to]) => a.split(from).join(to), arg);
    const [, ...args] = container.command.map(local);
    const env = Object.fromEntries(container.env.map((e: Json) => [e.name, e.value]));
    const code = await new Promise<number>((resolve) => {
      const child = spawn(hubPython(), args, {
        env: { ...process.env, ...moto.env, AWS_REGION: env.AWS_REGION, AWS_DEFAULT_REGION: env.AWS_REGION },
      });
      let log = '';
      child.stdout.on('data', (c) => (log += c));
      child.stderr.on('data', (c) => (log += c));
      child.on('close', (status) => {
        kept.set(`log/${job.metadata.name}-x1`, { text: log });
        resolve(status ?? 1);
      });
    });
    kept.set(`pod/${job.metadata.name}`, {
      metadata: { name: `${job.metadata.name}-x1` },
      status: { phase: code === 0 ? 'Succeeded' : 'Failed' },
    });
    const type = code === 0 ? 'Complete' : 'Failed';
    kept.set(path, { ...job, status: { conditions: [{ type, status: 'True', message: `exit ${code}` }] } });
  }

  return new Promise<Server>((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** A hub with no servers running. */
function emptyHub(): Promise<Server> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('[]');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const url = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

function event(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join('tools', 'event', 'cli.ts'), ...args], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        ...moto.env,
        EVENT_DIR: dir,
        EVENT_CDKTF: join(dir, 'cdktf-stand-in'),
        JUPYTERHUB_API_TOKEN: 'secret',
        KUBE_TOKEN: 'k',
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (status) => resolve({ status: status ?? 1, stdout, stderr }));
  });
}

beforeAll(async () => {
  moto = await startMoto();
}, 60_000);
afterAll(async () => {
  await moto?.stop();
});

let kube: Server;
let hub: Server;
let calls: string[];
let kept: Map<string, Json>;
let home: string;
let shared: string;

beforeEach(async () => {
  await fetch(`${moto.url}/moto-api/reset`, { method: 'POST' });
  dir = mkdtempSync(join(tmpdir(), 'event-export-'));
  process.env.EVENT_DIR = dir;
  writeFileSync(join(dir, 'cdktf-stand-in'), `#!/bin/sh\necho "cdktf $*" >> '${dir}/calls.txt'\n`);
  chmodSync(join(dir, 'cdktf-stand-in'), 0o755);
  home = join(dir, 'home');
  shared = join(dir, 'shared');
  mkdirSync(join(home, 'ada', 'notebooks'), { recursive: true });
  mkdirSync(join(home, 'grace'), { recursive: true });
  mkdirSync(join(shared, 'data'), { recursive: true });
  writeFileSync(join(home, 'ada', 'notebooks', 'atl06.ipynb'), '{"cells": []}\n');
  writeFileSync(join(home, 'grace', 'results.csv'), 'x,y\n1,2\n');
  writeFileSync(join(shared, 'data', 'tracks.bin'), Buffer.from([0, 1, 2, 255]));
  symlinkSync('/etc/passwd', join(home, 'grace', 'passwd'));
  calls = [];
  kept = new Map();
  kube = await standInKube({ home, shared }, calls, kept);
  hub = await emptyHub();
});
afterEach(async () => {
  await Promise.all([kube, hub].map((s) => new Promise((resolve) => s.close(resolve))));
  delete process.env.EVENT_DIR;
  rmSync(dir, { recursive: true, force: true });
});

const cdktfCalls = () =>
  existsSync(join(dir, 'calls.txt')) ? readFileSync(join(dir, 'calls.txt'), 'utf8').trim().split('\n') : [];

describe('down exports before it destroys', () => {
  it('copies homes and the shared folder into the archive, encrypted, then destroys everything but the archive', async () => {
    const key = createArchive();
    const run = await event([
      'down',
      '--env',
      'hackweek',
      '--kube-api',
      url(kube),
      '--hub-url',
      `${url(hub)}/hub/api`,
      '--json',
    ]);
    expect(run.stderr).toContain('export: 3 files');
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout);
    const prefix = result.export.prefix as string;
    expect(prefix).toMatch(/^icesat2-hackweek\/\d{4}-\d{2}-\d{2}$/);
    expect(result.export).toEqual({ bucket: BUCKET, prefix, objects: 3, bytes: 14 + 8 + 4 });

    const stored = readBack();
    expect(stored.map((o) => o.key).sort()).toEqual(
      [
        'home/ada/notebooks/atl06.ipynb',
        'home/grace/results.csv',
        'manifest.json',
        'shared/data/tracks.bin',
      ].map((k) => `${prefix}/${k}`),
    );
    const content = (k: string) =>
      Buffer.from(stored.find((o) => o.key === `${prefix}/${k}`)!.body, 'base64');
    expect(content('home/ada/notebooks/atl06.ipynb').toString()).toBe('{"cells": []}\n');
    expect(content('home/grace/results.csv').toString()).toBe('x,y\n1,2\n');
    expect([...content('shared/data/tracks.bin')]).toEqual([0, 1, 2, 255]);
    for (const o of stored) {
      expect(o.sse).toBe('aws:kms');
      expect(o.kmsKey).toBe(key);
    }
    const manifest = JSON.parse(content('manifest.json').toString());
    expect(manifest.skipped).toEqual([{ path: 'home/grace/passwd', kind: 'link' }]);
    expect(manifest.files).toContainEqual({
      key: `${prefix}/home/grace/results.csv`,
      bytes: 8,
      sha256: createHash('sha256').update('x,y\n1,2\n').digest('hex'),
    });

    // The export ran before any destroy, and nothing destroyed the archive stack.
    expect(cdktfCalls()).toEqual([
      'cdktf destroy hub-platform-hackweek --auto-approve',
      'cdktf destroy hub-cluster-hackweek --auto-approve',
    ]);
    expect(calls.indexOf('POST /apis/batch/v1/namespaces/jupyterhub/jobs')).toBe(2);
    expect(readBack()).toHaveLength(4); // the bucket and its objects are still there
  });

  it('destroys nothing while the export fails, and a rerun replaces the failed Job and goes on', async () => {
    // No archive bucket yet: every upload fails, so does the Job.
    const first = await event([
      'down',
      '--env',
      'hackweek',
      '--kube-api',
      url(kube),
      '--hub-url',
      `${url(hub)}/hub/api`,
    ]);
    expect(first.status).toBe(1);
    expect(first.stdout).toContain('export: failed: job archive-export-');
    expect(first.stdout).toContain('nothing was destroyed');
    expect(cdktfCalls()).toEqual([]);
    expect(existsSync(statePath('hackweek'))).toBe(false);

    createArchive();
    const second = await event([
      'down',
      '--env',
      'hackweek',
      '--kube-api',
      url(kube),
      '--hub-url',
      `${url(hub)}/hub/api`,
    ]);
    expect(second.stdout).toContain('failed before; replacing it');
    expect(second.status).toBe(0);
    expect(readBack()).toHaveLength(4);
    expect(cdktfCalls()).toHaveLength(2);
  });

  it('continues after a failed destroy without exporting again', async () => {
    createArchive();
    writeFileSync(
      join(dir, 'cdktf-stand-in'),
      `#!/bin/sh\necho "cdktf $*" >> '${dir}/calls.txt'\ncase "$*" in *cluster*) exit 1 ;; esac\n`,
    );
    const args = ['down', '--env', 'hackweek', '--kube-api', url(kube), '--hub-url', `${url(hub)}/hub/api`];
    expect((await event(args)).status).toBe(1);
    const state = JSON.parse(readFileSync(statePath('hackweek'), 'utf8'));
    expect(state.done).toEqual(['export', 'stop-servers', 'destroy-platform']);
    expect(state.export).toEqual(expect.objectContaining({ bucket: BUCKET, objects: 3 }));
    const jobsCreated = calls.filter((c) => c === 'POST /apis/batch/v1/namespaces/jupyterhub/jobs').length;

    writeFileSync(join(dir, 'cdktf-stand-in'), `#!/bin/sh\necho "cdktf $*" >> '${dir}/calls.txt'\n`);
    const rerun = await event(args);
    expect(rerun.status).toBe(0);
    expect(rerun.stdout).toContain('export: done before, in s3://');
    expect(calls.filter((c) => c === 'POST /apis/batch/v1/namespaces/jupyterhub/jobs')).toHaveLength(
      jobsCreated,
    );
  });
});

describe('down with monitoring', () => {
  let prom: TestPrometheus;
  // Users seen an hour and a half and an hour ago, on whole minutes.
  const t0 = Math.floor(Date.now() / 60_000) * 60 - 5400;
  beforeAll(async () => {
    const series = 'environment:jupyterhub_total_users:max';
    prom = await TestPrometheus.start({
      config: { global: { scrape_interval: '1m' } },
      openMetrics: `# TYPE ${series} gauge\n${series}{environment="hackweek"} 42 ${t0}\n${series}{environment="hackweek"} 43 ${t0 + 1800}\n# EOF\n`,
    });
  }, 90_000);
  afterAll(async () => {
    await prom?.stop();
  });

  it('puts the usage report into the export and beside the log', async () => {
    createArchive();
    const run = await event([
      'down',
      '--env',
      'hackweek',
      '--kube-api',
      url(kube),
      '--hub-url',
      `${url(hub)}/hub/api`,
      '--prometheus-url',
      prom.url,
      '--since',
      new Date((t0 - 60) * 1000).toISOString(),
      '--json',
    ]);
    expect(run.status).toBe(0);
    const { prefix } = JSON.parse(run.stdout).export;
    const stored = readBack();
    const csv = Buffer.from(
      stored.find((o) => o.key === `${prefix}/report/usage.csv`)!.body,
      'base64',
    ).toString();
    expect(csv.split('\n')[0]).toBe('time,users,running_servers,cpu_cores,memory_gib');
    expect(csv).toContain(`${new Date(t0 * 1000).toISOString()},42,,,`);
    const png = Buffer.from(stored.find((o) => o.key === `${prefix}/report/usage.png`)!.body, 'base64');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const local = join(dir, `hackweek-report-${prefix.split('/')[1]}`);
    expect(readFileSync(join(local, 'usage.csv'), 'utf8')).toBe(csv);
  });
});

describe('the export Job', () => {
  const objects = exportObjects({
    bucket: BUCKET,
    region: REGION,
    prefix: 'icesat2-hackweek/2026-08-14',
    roleArn: 'arn:aws:iam::123456789012:role/hub-hackweek-archive-export',
    serviceAccount: 'archive-export',
    report: { 'usage.csv': Buffer.from('time\n'), 'usage.png': Buffer.from([0x89, 0x50]) },
  });

  it('runs as the archive-export service account, annotated with the role the cluster stack makes', () => {
    expect(objects.serviceAccount.metadata).toEqual(
      expect.objectContaining({
        name: 'archive-export',
        namespace: 'jupyterhub',
        annotations: {
          'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/hub-hackweek-archive-export',
        },
      }),
    );
    expect(objects.job.spec.template.spec.serviceAccountName).toBe('archive-export');
  });

  it('mounts the home and shared claims read-only and installs the boto3 the tests use', () => {
    const spec = objects.job.spec.template.spec;
    expect(spec.volumes.filter((v: Json) => v.persistentVolumeClaim)).toEqual([
      { name: 'home', persistentVolumeClaim: { claimName: 'home', readOnly: true } },
      { name: 'shared', persistentVolumeClaim: { claimName: 'shared', readOnly: true } },
    ]);
    const requirements = readFileSync(join(PROJECT_ROOT, 'python', 'requirements.txt'), 'utf8');
    expect(spec.initContainers[0].command).toContain(requirements.match(/^boto3==.+$/m)![0]);
    expect(pinnedPythonPackage('boto3', 'botocore==1.0\nboto3==9.9.9\n')).toBe('boto3==9.9.9');
    expect(() => pinnedPythonPackage('boto3', 'moto==1\n')).toThrow('python/requirements.txt pins no boto3');
    for (const c of [...spec.initContainers, ...spec.containers]) {
      expect(c.image).toBe(EXPORT_IMAGE);
      expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    }
    expect(EXPORT_IMAGE).toMatch(/:\d+\.\d+\.\d+-/);
    expect(spec.containers[0].command).toEqual(
      expect.arrayContaining(['--source', 'home=/export/home', '--source', 'report=/export/report']),
    );
    expect(objects.configMap.binaryData['usage.png']).toBe(Buffer.from([0x89, 0x50]).toString('base64'));
  });
});
