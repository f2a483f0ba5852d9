/**
 * `npm run event -- status` against a real JupyterHub 5.5 on loopback: users and servers
 * running, starting and stopping as the hub reports them, read with the event-operator
 * role the hub ships, whose token the tool takes from the hub's Secret through a stand-in
 * of the Kubernetes API (which also serves the nodes and placeholders).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_OPERATOR_SCOPES, EVENT_OPERATOR_SERVICE } from '../../../lib/jupyterhub/names';
import { REPO_ROOT } from '../../support/tools';
import { SLOW_PREFIX, TestHub } from '../support/jupyterhub';

let hub: TestHub;
let kube: Server;
let kubeUrl: string;
let dir: string;
const kubeRequests: string[] = [];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'event-status-'));
  hub = await TestHub.start({
    concurrentSpawnLimit: 5,
    services: [{ name: EVENT_OPERATOR_SERVICE, scopes: EVENT_OPERATOR_SCOPES }],
  });
  const token = hub.serviceToken(EVENT_OPERATOR_SERVICE);
  kube = createServer((req, res) => {
    kubeRequests.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
    const json = (body: unknown): void =>
      void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const path = new URL(req.url ?? '/', 'http://kube').pathname;
    const ready = { conditions: [{ type: 'Ready', status: 'True' }] };
    if (path === '/api/v1/namespaces/jupyterhub/secrets/hub')
      return json({
        data: { [`hub.services.${EVENT_OPERATOR_SERVICE}.apiToken`]: Buffer.from(token).toString('base64') },
      });
    if (path === '/api/v1/nodes')
      return json({
        items: [
          { metadata: { labels: { 'hub.jupyter.org/node-pool': 'core' } }, status: ready },
          { metadata: { labels: { 'hub.jupyter.org/node-pool': 'user' } }, status: ready },
        ],
      });
    if (path === '/apis/apps/v1/namespaces/jupyterhub/statefulsets/user-placeholder')
      return json({ spec: { replicas: 4 }, status: { readyReplicas: 4 } });
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => kube.listen(0, '127.0.0.1', () => resolve()));
  kubeUrl = `http://127.0.0.1:${(kube.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => (kube ? kube.close(() => resolve()) : resolve()));
  await hub?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function event(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join('tools', 'event', 'cli.ts'), ...args], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        EVENT_DIR: dir,
        JUPYTERHUB_API_TOKEN: '',
        KUBE_API_URL: '',
        KUBE_TOKEN: 'k8s-aws-v1.e2e',
        // No Cost Explorer here: the actual cost is said to be unavailable.
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        ...env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('status against JupyterHub 5.5', () => {
  it('counts users and servers running and starting, nodes per pool and placeholders', async () => {
    for (const name of ['e2e-status-a', 'e2e-status-b', 'e2e-status-idle', `${SLOW_PREFIX}-status`])
      expect((await hub.request('POST', `/users/${name}`)).status).toBe(201);
    for (const name of ['e2e-status-a', 'e2e-status-b'])
      expect([201, 202]).toContain((await hub.request('POST', `/users/${name}/server`)).status);
    const deadline = Date.now() + 120_000;
    while ((await hub.readyServers('e2e-status')).length < 2 && Date.now() < deadline) await sleep(250);
    // The slow server stays pending for a while after the start request returns.
    expect((await hub.request('POST', `/users/${SLOW_PREFIX}-status/server`)).status).toBe(202);

    const run = await event([
      'status',
      '--env',
      'hackweek',
      '--hub-url',
      hub.apiUrl,
      '--kube-api',
      kubeUrl,
      '--since',
      '2026-07-13',
      '--json',
    ]);
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.hub).toMatchObject({ url: hub.apiUrl, users: 4, running: 2, pending: 1, stopping: 0 });
    expect(report.hub.waiting).toEqual([
      expect.objectContaining({ user: `${SLOW_PREFIX}-status`, server: '', state: 'pending' }),
    ]);
    expect(report.kubernetes).toEqual({
      pools: [
        { pool: 'core', ready: 1, notReady: 0 },
        { pool: 'user', ready: 1, notReady: 0 },
        { pool: 'gpu', ready: 0, notReady: 0 },
      ],
      placeholders: { wanted: 4, ready: 4 },
    });
    expect(report.cost).toMatchObject({ since: '2026-07-13', planDays: 5 });
    expect(report.cost.actualUnavailable).toMatch(/^Cost Explorer: /);
    // The token came from the Secret, read with the operator's cluster token, and was never shown.
    expect(kubeRequests).toContain('GET /api/v1/namespaces/jupyterhub/secrets/hub Bearer k8s-aws-v1.e2e');
    expect(run.stdout + run.stderr).not.toContain(hub.serviceToken(EVENT_OPERATOR_SERVICE));
    expect(run.stderr).toContain('servers: 2 running, 1 pending, 0 stopping');
    expect(run.stderr).toContain(`  pending: ${SLOW_PREFIX}-status since `);
  });

  it('fails, saying why, when the hub refuses the token', async () => {
    const run = await event(['status', '--env', 'hackweek', '--hub-url', hub.apiUrl], {
      JUPYTERHUB_API_TOKEN: 'not-a-token-0000',
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`hub ${hub.apiUrl}: not available: GET /users answered 403`);
    expect(run.stdout).toContain('kubernetes: not available: pass --kube-api URL');
  });
});
