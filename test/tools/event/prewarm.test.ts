/**
 * `npm run event -- prewarm`: the placeholder count from the capacity maths, its scale
 * request, the wait until the placeholders run on Ready nodes, and the undo Job of
 * --until, against a stand-in of the Kubernetes API on loopback (test/tools/event/kube-stand-in.ts).
 */
import { spawn } from 'child_process';
import { mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ENVIRONMENTS } from '../../../config';
import { loadEnvironments } from '../../../config/load';
import { PROJECT_ROOT } from '../../../lib/project-paths';
import { EnvironmentInput } from '../../../config/schema';
import { parseEnvironment } from '../../../config/load';
import {
  configuredPlaceholders,
  parseUntil,
  planPrewarm,
  UntilError,
  waitUntilWarm,
} from '../../../tools/event/prewarm';
import { KubeStandIn } from './kube-stand-in';

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

const SCALE = '/apis/apps/v1/namespaces/jupyterhub/statefulsets/user-placeholder/scale';
const PODS = '/api/v1/namespaces/jupyterhub/pods?labelSelector=component%3Duser-placeholder';
const NODES = '/api/v1/nodes?labelSelector=hub.jupyter.org%2Fnode-pool%3Duser';
const SA = '/api/v1/namespaces/jupyterhub/serviceaccounts/placeholder-scaler';
const JOBS = '/apis/batch/v1/namespaces/jupyterhub/jobs';

describe('npm run event -- prewarm', () => {
  let kube: KubeStandIn;
  beforeEach(async () => {
    kube = new KubeStandIn();
    await kube.start();
  });
  afterEach(() => kube.stop());

  it('scales the placeholder StatefulSet through the scale subresource, then waits until they run on Ready nodes', async () => {
    const run = await event(
      ['prewarm', '--env', 'hackweek', '--users', '50', '--kube-api', kube.url, '--json'],
      {
        KUBE_TOKEN: 'k8s-aws-v1.token',
      },
    );
    expect(run.status).toBe(0);
    const plan = planPrewarm(hackweek, 50);
    expect(JSON.parse(run.stdout)).toMatchObject({
      placeholders: plan.placeholders,
      scaled: true,
      status: { running: plan.placeholders, pending: 0, warm: true },
    });
    expect(kube.requests[0]).toEqual({
      method: 'PATCH',
      url: SCALE,
      type: 'application/merge-patch+json',
      auth: 'Bearer k8s-aws-v1.token',
      body: JSON.stringify({ spec: { replicas: plan.placeholders } }),
    });
    expect(kube.requests.slice(1).map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET ${PODS}`,
      `GET ${NODES}`,
    ]);
    expect(run.stderr).toContain(`warm: ${plan.placeholders} placeholders running on Ready nodes`);
  });

  it('says the progress and fails (exit 1) when the placeholders are not running in time', async () => {
    kube.running = () => 3; // the autoscaler is stuck: three run, the rest stay Pending
    const run = await event([
      'prewarm',
      '--env',
      'hackweek',
      '--users',
      '50',
      '--kube-api',
      kube.url,
      '--timeout',
      '10',
    ]);
    expect(run.status).toBe(1);
    const plan = planPrewarm(hackweek, 50);
    expect(run.stdout).toMatch(
      new RegExp(
        `^0 s: placeholders 3 of ${plan.placeholders} running \\(${plan.placeholders - 3} pending\\); pool user: 1 node\\(s\\) Ready, 1 not Ready$`,
        'm',
      ),
    );
    expect(run.stdout).toContain('not warm after 10 s');
  });

  it('with --until, creates the undo Job in the cluster before scaling up', async () => {
    const until = new Date(Date.now() + 2 * 3600_000);
    until.setUTCSeconds(0, 0);
    const run = await event([
      'prewarm',
      '--env',
      'hackweek',
      '--users',
      '50',
      '--kube-api',
      kube.url,
      '--until',
      until.toISOString(),
      '--json',
    ]);
    expect(run.status).toBe(0);
    const back = configuredPlaceholders(hackweek, until).count;
    const answer = JSON.parse(run.stdout);
    expect(answer.undo).toMatchObject({ count: back });
    expect(kube.requests.slice(0, 3).map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET ${SA}`,
      `POST ${JOBS}`,
      `PATCH ${SCALE}`,
    ]);
    const job = JSON.parse(kube.requests[1].body);
    expect(job.metadata).toMatchObject({ namespace: 'jupyterhub', name: answer.undo.job });
    const pod = job.spec.template.spec;
    // The scaler's own account, whose role may scale user-placeholder and nothing else.
    expect(pod.serviceAccountName).toBe('placeholder-scaler');
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.nodeSelector).toEqual({ 'hub.jupyter.org/node-purpose': 'core' });
    expect(pod.containers[0].command.slice(2)).toEqual([
      '--namespace',
      'jupyterhub',
      '--statefulset',
      'user-placeholder',
      '--at',
      until.toISOString(),
      String(back),
    ]);
    expect(pod.volumes).toEqual([{ name: 'script', configMap: { name: 'placeholder-scaler-script' } }]);
    // It waits in the cluster until then, and a while longer, then goes.
    expect(job.spec.activeDeadlineSeconds).toBeGreaterThan(2 * 3600);
    expect(job.spec.ttlSecondsAfterFinished).toBe(86400);
  });

  it('with --until, scales nothing when the placeholder scaler is not deployed', async () => {
    kube.serviceAccount = false;
    const run = await event([
      'prewarm',
      '--env',
      'hackweek',
      '--users',
      '50',
      '--kube-api',
      kube.url,
      '--until',
      '23:59',
    ]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      '--until: the placeholder scaler (service account jupyterhub/placeholder-scaler) is not in the cluster',
    );
    expect(kube.requests.map((r) => `${r.method} ${r.url}`)).toEqual([`GET ${SA}`]);
  });

  it('with --dry-run says the plan and sends nothing', async () => {
    const run = await event([
      'prewarm',
      '--env',
      'hackweek',
      '--users',
      '50',
      '--kube-api',
      kube.url,
      '--until',
      '17:00',
      '--dry-run',
    ]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /hackweek: 50 users of profile '\S+' need \d+ \S+ node\(s\) at \d+ per node: \d+ placeholders/,
    );
    expect(run.stdout).toMatch(
      /^until \S+ \(.*\): then back to \d+ placeholders \(hub\.schedule\.placeholders\.\d\), by Job placeholder-scaler-until-/m,
    );
    expect(kube.requests).toEqual([]);
  });

  it.each([
    [['--users', '0'], '--users: "0" is not a whole number from 1 to 10000'],
    [['--users', 'many'], '--users: "many" is not a whole number from 1 to 10000'],
    [[], '--users: missing'],
    [['--users', '10000', '--dry-run'], '--users: 10000 need'],
    [['--users', '5'], '--kube-api: missing'],
    [
      ['--users', '5', '--dry-run', '--until', '25:00'],
      '--until: "25:00" is not a time; allowed: HH:MM (24-hour, the next such time in America/Los_Angeles)',
    ],
    [['--users', '5', '--dry-run', '--until', 'tomorrow'], '--until: "tomorrow" is not a time'],
    [
      ['--users', '5', '--dry-run', '--until', '2020-01-01T10:00Z'],
      '--until: "2020-01-01T10:00Z" is in the past',
    ],
    [
      ['--users', '5', '--dry-run', '--until', '2099-01-01T10:00Z'],
      '--until: "2099-01-01T10:00Z" is more than 7 days away',
    ],
    [
      ['--users', '5', '--dry-run', '--until', '2027-02-30T10:00Z'],
      '--until: "2027-02-30T10:00Z" is not a real date-time',
    ],
    [['--users', '5', '--dry-run', '--timeout', '5'], '--timeout: "5" is not a whole number from 10 to 7200'],
  ])('rejects %j with exit 2 and sends nothing', async (args, message) => {
    const run = await event(['prewarm', '--env', 'hackweek', ...args, '--json']);
    expect(run.status).toBe(2);
    expect(JSON.parse(run.stdout).error).toContain(message);
    expect(kube.requests).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('waitUntilWarm', () => {
  let kube: KubeStandIn;
  beforeEach(async () => {
    kube = new KubeStandIn();
    kube.replicas = 8;
    await kube.start();
  });
  afterEach(() => kube.stop());

  it('says a line each time the picture changes, and returns once all run on Ready nodes', async () => {
    let polls = 0;
    kube.running = (replicas) => Math.min(replicas, 4 * polls++);
    kube.readyNodes = () => (polls > 3 ? 2 : 1);
    const lines: string[] = [];
    const status = await waitUntilWarm({ url: kube.url }, 8, 'user', {
      timeoutMs: 60_000,
      pollMs: 10,
      say: (line) => lines.push(line.replace(/^\d+ s: /, '')),
    });
    expect(status).toEqual({ running: 8, pending: 0, nodesReady: 2, nodesNotReady: 0, warm: true });
    expect(lines).toEqual([
      'placeholders 0 of 8 running (8 pending); pool user: 1 node(s) Ready, 1 not Ready',
      'placeholders 4 of 8 running (4 pending); pool user: 1 node(s) Ready, 1 not Ready',
      'placeholders 8 of 8 running (0 pending); pool user: 1 node(s) Ready, 1 not Ready',
      'placeholders 8 of 8 running (0 pending); pool user: 2 node(s) Ready, 0 not Ready',
    ]);
  });

  it('is not warm while a placeholder runs on a node that is not Ready', async () => {
    kube.readyNodes = () => 1; // the second node, hosting half of them, went NotReady
    const status = await waitUntilWarm({ url: kube.url }, 8, 'user', {
      timeoutMs: 50,
      pollMs: 10,
      say: () => {},
    });
    expect(status).toMatchObject({ running: 8, warm: false });
  });

  it('leaves out placeholders being deleted', async () => {
    kube.terminating = 3;
    const status = await waitUntilWarm({ url: kube.url }, 8, 'user', {
      timeoutMs: 0,
      pollMs: 10,
      say: () => {},
    });
    expect(status).toMatchObject({ running: 8, pending: 0 });
  });
});

describe('--until', () => {
  // A Tuesday, 10:00 in Seattle (PDT, UTC-7).
  const now = new Date('2026-07-14T17:00:00Z');

  it.each([
    ['17:30', 'America/Los_Angeles', '2026-07-15T00:30:00.000Z'],
    ['09:00', 'America/Los_Angeles', '2026-07-15T16:00:00.000Z'], // passed today: tomorrow
    ['10:01', 'America/Los_Angeles', '2026-07-14T17:01:00.000Z'],
    ['18:00', 'UTC', '2026-07-14T18:00:00.000Z'],
    ['2026-07-14T17:30-07:00', 'UTC', '2026-07-15T00:30:00.000Z'],
    ['2026-07-20T08:00:00Z', 'UTC', '2026-07-20T08:00:00.000Z'],
  ])('reads %s (zone %s) as %s', (text, zone, expected) => {
    expect(parseUntil(text, zone, now).toISOString()).toBe(expected);
  });

  it('reads HH:MM across a change of daylight saving time', () => {
    // Saturday 2026-10-31 12:00 PDT; 09:00 the next day is PST (UTC-8).
    expect(parseUntil('09:00', 'America/Los_Angeles', new Date('2026-10-31T19:00:00Z')).toISOString()).toBe(
      '2026-11-01T17:00:00.000Z',
    );
  });

  it.each(['2026-07-14T16:59Z', '2026-07-21T17:01Z', '7pm', '2026-07-14 17:30Z'])('refuses %s', (text) => {
    expect(() => parseUntil(text, 'America/Los_Angeles', now)).toThrow(UntilError);
  });

  it("goes back to the timetable's count for that time, else to hub.placeholders", () => {
    // hackweek: 8 from 08:15 on weekdays, 0 from 17:00, Seattle time.
    expect(configuredPlaceholders(hackweek, new Date('2026-07-14T17:00:00Z'))).toEqual({
      count: 8,
      source: 'hub.schedule.placeholders.0',
    });
    expect(configuredPlaceholders(hackweek, new Date('2026-07-15T01:00:00Z')).count).toBe(0);
    expect(configuredPlaceholders(hackweek, new Date('2026-07-18T17:00:00Z')).count).toBe(0); // Saturday
    const staging = parseEnvironment('staging', structuredClone(ENVIRONMENTS.staging) as EnvironmentInput);
    expect(configuredPlaceholders(staging, now)).toEqual({ count: 1, source: 'hub.placeholders' });
  });
});
