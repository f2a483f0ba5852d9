/**
 * `npm run event -- prewarm`: the placeholder count from the capacity maths, and its scale
 * request against a stand-in of the Kubernetes scale API on loopback.
 */
import { spawn } from 'child_process';
import { mkdtempSync, readdirSync, rmSync } from 'fs';
import { createServer, IncomingMessage, Server } from 'http';
import { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { ENVIRONMENTS } from '../../../config';
import { loadEnvironments } from '../../../config/load';
import { PROJECT_ROOT } from '../../../lib/project-paths';
import { planPrewarm } from '../../../tools/event/prewarm';

// Each case runs the CLI in a process of its own (tsx, the AWS SDK): seconds on a busy machine.
jest.setTimeout(60_000);

const hackweek = loadEnvironments(ENVIRONMENTS).find((e) => e.name === 'hackweek')!;

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'event-prewarm-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI without blocking the loop, so the stand-in in this process can answer. */
function event(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join('tools', 'event', 'cli.ts'), ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, EVENT_DIR: dir, KUBE_API_URL: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('prewarm plan', () => {
  it('fills the nodes that N users of the default profile need, and no more', () => {
    const plan = planPrewarm(hackweek, 50);
    expect(plan.usersPerNode).toBeGreaterThan(1);
    expect(plan.nodes).toBe(Math.ceil(50 / plan.usersPerNode));
    expect(plan.placeholders).toBe(plan.nodes * plan.usersPerNode);
    expect(plan.placeholders).toBeGreaterThanOrEqual(50);
    expect(plan.placeholders - 50).toBeLessThan(plan.usersPerNode);
    // One user more than a whole number of nodes holds needs one node more.
    const full = plan.nodes * plan.usersPerNode;
    expect(planPrewarm(hackweek, full + 1).nodes).toBe(plan.nodes + 1);
  });

  it('refuses more users than the pool holds at its max size', () => {
    expect(() => planPrewarm(hackweek, 10_000)).toThrow(
      /--users: 10000 need \d+ \S+ nodes at \d+ per node, but pool \S+ has at most \d+/,
    );
  });
});

describe('npm run event -- prewarm', () => {
  let server: Server;
  let requests: Array<{ method?: string; url?: string; type?: string; auth?: string; body: string }>;
  let url: string;

  beforeEach(async () => {
    requests = [];
    server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        requests.push({
          method: req.method,
          url: req.url,
          type: req.headers['content-type'],
          auth: req.headers.authorization,
          body,
        });
        const replicas = JSON.parse(body || '{}').spec?.replicas;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('scales the placeholder StatefulSet through the scale subresource', async () => {
    const run = await event(['prewarm', '--env', 'hackweek', '--users', '50', '--kube-api', url, '--json'], {
      KUBE_TOKEN: 'k8s-aws-v1.token',
    });
    expect(run.status).toBe(0);
    const plan = planPrewarm(hackweek, 50);
    expect(JSON.parse(run.stdout)).toMatchObject({ placeholders: plan.placeholders, scaled: true });
    expect(requests).toEqual([
      {
        method: 'PATCH',
        url: '/apis/apps/v1/namespaces/jupyterhub/statefulsets/user-placeholder/scale',
        type: 'application/merge-patch+json',
        auth: 'Bearer k8s-aws-v1.token',
        body: JSON.stringify({ spec: { replicas: plan.placeholders } }),
      },
    ]);
  });

  it('with --dry-run says the plan and sends nothing', async () => {
    const run = await event([
      'prewarm',
      '--env',
      'hackweek',
      '--users',
      '50',
      '--kube-api',
      url,
      '--dry-run',
    ]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /hackweek: 50 users of profile '\S+' need \d+ \S+ node\(s\) at \d+ per node: \d+ placeholders/,
    );
    expect(requests).toEqual([]);
  });

  it.each([
    [['--users', '0'], '--users: "0" is not a whole number from 1 to 10000'],
    [['--users', 'many'], '--users: "many" is not a whole number from 1 to 10000'],
    [[], '--users: missing'],
    [['--users', '10000', '--dry-run'], '--users: 10000 need'],
    [['--users', '5'], '--kube-api: missing'],
  ])('rejects %j with exit 2 and sends nothing', async (args, message) => {
    const run = await event(['prewarm', '--env', 'hackweek', ...args, '--json']);
    expect(run.status).toBe(2);
    expect(JSON.parse(run.stdout).error).toContain(message);
    expect(requests).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });
});
