/**
 * What the placeholder CronJobs run, against a stand-in of the Kubernetes scale API on
 * loopback: it reads the scale, patches only when the count differs, sends the service
 * account's token, and fails with a clear message and its own exit code when the
 * StatefulSet is missing or the account may not scale it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCALE_SCRIPT } from '../../../lib/jupyterhub/placeholder-schedule';
import { hubPython } from '../../support/tools';

const SCALE_PATH = '/apis/apps/v1/namespaces/jupyterhub/statefulsets/user-placeholder/scale';
const TOKEN = 'stand-in-service-account-token';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly authorization?: string;
  readonly contentType?: string;
  readonly body: string;
  /** When it arrived (ms since the epoch). */
  readonly at: number;
}

/** A stand-in of the scale subresource of one StatefulSet. */
class ScaleApi {
  readonly seen: Seen[] = [];
  replicas: number | undefined = 4;
  /** Answer every request with this status instead (403: a role without the verb). */
  refuse?: number;
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += chunk;
    this.seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      body,
      at: Date.now(),
    });
    const status = (code: number, message: string) => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', status: 'Failure', code, message }));
    };
    if (this.refuse) return status(this.refuse, 'statefulsets.apps "user-placeholder" is forbidden');
    if (req.url !== SCALE_PATH || this.replicas === undefined) {
      return status(404, 'statefulsets.apps "user-placeholder" not found');
    }
    if (req.method === 'PATCH') {
      if (req.headers['content-type'] !== 'application/merge-patch+json') return status(415, 'unsupported');
      this.replicas = JSON.parse(body).spec.replicas;
    } else if (req.method !== 'GET') {
      return status(405, 'method not allowed');
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({
        kind: 'Scale',
        apiVersion: 'autoscaling/v1',
        metadata: { name: 'user-placeholder', namespace: 'jupyterhub' },
        spec: { replicas: this.replicas },
        status: { replicas: this.replicas },
      }),
    );
  }
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe('scale_placeholders.py against a stand-in scale API', () => {
  let api: ScaleApi;
  let dir: string;

  beforeEach(async () => {
    api = new ScaleApi();
    await api.start();
    dir = mkdtempSync(join(tmpdir(), 'scale-placeholders-'));
    writeFileSync(join(dir, 'token'), `${TOKEN}\n`);
  });
  afterEach(async () => {
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (...args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        hubPython(),
        [SCALE_SCRIPT, '--api', api.url, '--token-file', join(dir, 'token'), ...args],
        { timeout: 60_000 },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  it('scales the placeholder StatefulSet to the count with a merge patch, as the service account', async () => {
    const result = await run('8');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('statefulset jupyterhub/user-placeholder scaled from 4 to 8 replicas');
    expect(api.replicas).toBe(8);
    expect(api.seen.map((s) => `${s.method} ${s.url}`)).toEqual([`GET ${SCALE_PATH}`, `PATCH ${SCALE_PATH}`]);
    expect(api.seen.every((s) => s.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(JSON.parse(api.seen[1].body)).toEqual({ spec: { replicas: 8 } });
  });

  it('scales down to zero for the night', async () => {
    expect((await run('0')).code).toBe(0);
    expect(api.replicas).toBe(0);
  });

  it('leaves a StatefulSet already at the count alone', async () => {
    const result = await run('4');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('already has 4 replicas');
    expect(api.seen.map((s) => s.method)).toEqual(['GET']);
  });

  it('fails with exit 2 and says so when the StatefulSet is missing', async () => {
    api.replicas = undefined;
    const result = await run('8');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /statefulset jupyterhub\/user-placeholder not found: is the JupyterHub release installed with scheduling\.userPlaceholder\.enabled\? Nothing was scaled\./,
    );
    expect(api.seen.map((s) => s.method)).toEqual(['GET']);
  });

  it('fails with exit 3 when the service account may not scale it', async () => {
    api.refuse = 403;
    const result = await run('8');
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /not allowed to read the scale of statefulset jupyterhub\/user-placeholder: .*HTTP 403: statefulsets\.apps "user-placeholder" is forbidden/,
    );
  });

  it('fails with exit 1 when the API cannot be reached', async () => {
    const url = api.url;
    await api.stop();
    api = new ScaleApi();
    await api.start();
    const result = await new Promise<Run>((resolve) =>
      execFile(
        hubPython(),
        [SCALE_SCRIPT, '--api', url, '--token-file', join(dir, 'token'), '8'],
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      ),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot reach the Kubernetes API/);
  });

  it('refuses a negative count before calling the API', async () => {
    const result = await run('--', '-1');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/replicas: -1 is negative/);
    expect(api.seen).toEqual([]);
  });

  it('with --at, waits until that time and scales then (the undo of a pre-warm)', async () => {
    // Two seconds from now: the API must not be called before then.
    const at = new Date(Date.now() + 2_000);
    const result = await run('--at', at.toISOString(), '0');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^waiting until .* to scale to 0 replicas\n/);
    expect(result.stdout).toContain('scaled from 4 to 0 replicas');
    expect(api.replicas).toBe(0);
    expect(api.seen[0].at).toBeGreaterThanOrEqual(at.getTime());
  });

  it('with --at in the past, scales at once', async () => {
    const result = await run('--at', '2020-01-01T00:00:00Z', '2');
    expect(result.code).toBe(0);
    expect(api.replicas).toBe(2);
  });

  it.each(['tomorrow', '2026-07-14T17:30'])(
    'refuses --at %j (no date-time with offset) before calling the API',
    async (at) => {
      const result = await run('--at', at, '2');
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `--at: '${at}' is not a date-time with offset such as 2026-07-14T17:30:00Z`,
      );
      expect(api.seen).toEqual([]);
    },
  );
});
