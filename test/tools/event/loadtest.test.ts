/**
 * `npm run event -- loadtest`: the plan from config, each target's verdict on a hub-stress
 * report, and bad input refused before anything is sent. The run itself against a real
 * JupyterHub 5.5 is in test/e2e/event/loadtest.test.ts.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ENVIRONMENTS } from '../../../config';
import { loadEnvironments, parseEnvironment } from '../../../config/load';
import { EnvironmentInput } from '../../../config/schema';
import { PROJECT_ROOT } from '../../../lib/project-paths';
import { checkTargets, planLoadTest } from '../../../tools/event/loadtest';
import type { Report } from '../../../tools/hub-stress/report';

jest.setTimeout(60_000);

const hackweek = loadEnvironments(ENVIRONMENTS).find((e) => e.name === 'hackweek')!;

function report(over: Partial<Report>): Report {
  return {
    command: 'stress',
    endpoint: 'https://hub/hub/api',
    prefix: 'loadtest',
    dryRun: false,
    interrupted: false,
    kept: false,
    wallTimeS: 60,
    failures: {},
    retries: {},
    apiLatencyMs: { count: 0, p50: null, p95: null, p99: null, max: null },
    serversReady: 80,
    spawnLatencyMs: { count: 80, p50: 4_000, p95: 12_340, p99: 20_000, max: 20_000 },
    cleanup: { removed: 80, remaining: 0, failures: {} },
    ...over,
  } as Report;
}

const none = { users: 0, servers: {} };

describe('planLoadTest', () => {
  it("takes the event's users and the hub's spawn limit from config", () => {
    expect(planLoadTest(hackweek)).toEqual({
      environment: 'hackweek',
      users: 80,
      spawnLimit: 30,
      pending: 30,
      timeoutSeconds: 900,
      profile: 'icesat2',
      p95StartSeconds: 300,
      p95Source: "default: profile 'icesat2' start timeout 600 s less node boot 300 s",
      prefix: 'loadtest',
    });
    expect(planLoadTest(hackweek, 12).users).toBe(12);
  });

  it('takes the p95 target from hub.loadTest when set', () => {
    const input = structuredClone(ENVIRONMENTS.hackweek) as EnvironmentInput;
    input.hub.loadTest = { p95StartSeconds: 45 };
    expect(planLoadTest(parseEnvironment('hackweek', input))).toMatchObject({
      p95StartSeconds: 45,
      p95Source: 'hub.loadTest.p95StartSeconds',
    });
  });

  it('refuses more users than the hub runs at once', () => {
    expect(() => planLoadTest(hackweek, 101)).toThrow(
      '--users: 101 is above the 100 servers the hub runs at once (hub.activeServerLimit); allowed: 1 to 100',
    );
    expect(planLoadTest(hackweek, 100).users).toBe(100);
  });
});

describe('checkTargets', () => {
  const plan = planLoadTest(hackweek);

  it('meets every target on a clean run', () => {
    expect(checkTargets(plan, report({}), none)).toEqual([
      {
        name: 'p95 server start',
        met: true,
        detail:
          "12.3 s is within the target 300 s (default: profile 'icesat2' start timeout 600 s less node boot 300 s)",
      },
      { name: 'none failed', met: true, detail: '80 of 80 servers ready' },
      { name: 'none left behind', met: true, detail: 'no loadtest-NNNN user left on the hub' },
    ]);
  });

  it('meets a p95 exactly at the target and misses one just above it', () => {
    const at = report({ spawnLatencyMs: { count: 80, p50: 1, p95: 300_000, p99: 1, max: 1 } });
    expect(checkTargets(plan, at, none)[0].met).toBe(true);
    const above = report({ spawnLatencyMs: { count: 80, p50: 1, p95: 300_100, p99: 1, max: 1 } });
    expect(checkTargets(plan, above, none)[0]).toMatchObject({
      met: false,
      detail: expect.stringMatching(/^300.1 s is above the target 300 s/),
    });
  });

  it('misses the p95 target when no server became ready', () => {
    const empty = report({
      serversReady: 0,
      spawnLatencyMs: { count: 0, p50: null, p95: null, p99: null, max: null },
    });
    expect(checkTargets(plan, empty, none)[0]).toMatchObject({
      met: false,
      detail: expect.stringMatching(/^no server became ready/),
    });
  });

  it('misses "none failed" on a failure, or on fewer servers ready than users', () => {
    const failed = checkTargets(plan, report({ failures: { timeout: 2 }, serversReady: 78 }), none)[1];
    expect(failed).toEqual({
      name: 'none failed',
      met: false,
      detail: '78 of 80 servers ready; failed: timeout 2',
    });
    expect(checkTargets(plan, report({ serversReady: 79 }), none)[1].met).toBe(false);
  });

  it('misses "none left behind" when the cleanup or the hub says something is left', () => {
    const leftOnHub = checkTargets(plan, report({}), { users: 2, servers: { ready: 1, stopped: 1 } })[2];
    expect(leftOnHub).toEqual({
      name: 'none left behind',
      met: false,
      detail:
        '2 loadtest-NNNN users left on the hub (1 ready, 1 stopped); remove them with: npm run hub-stress -- purge --prefix loadtest',
    });
    const cleanup = report({ cleanup: { removed: 79, remaining: 1, failures: { 'delete: timeout': 1 } } });
    expect(checkTargets(plan, cleanup, none)[2].met).toBe(false);
  });
});

describe('npm run event -- loadtest, bad input', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'event-loadtest-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const event = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, ['--import', 'tsx', join('tools', 'event', 'cli.ts'), ...args], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      env: { ...process.env, EVENT_DIR: dir, JUPYTERHUB_API_URL: '', JUPYTERHUB_API_TOKEN: '', ...env },
    });

  it.each([
    [['--users', '0'], {}, '--users: "0" is not a whole number from 1 to 10000'],
    [
      ['--users', '101'],
      { JUPYTERHUB_API_TOKEN: 't' },
      '--users: 101 is above the 100 servers the hub runs at once',
    ],
    [[], {}, 'JUPYTERHUB_API_TOKEN: missing'],
    [
      ['--kube-api', 'http://127.0.0.1:1'],
      { JUPYTERHUB_API_TOKEN: 't' },
      '--kube-api: not an option of loadtest',
    ],
  ])('rejects %j with exit 2, writing nothing', (args, env, message) => {
    const run = event(['loadtest', '--env', 'hackweek', ...args, '--json'], env);
    expect(run.status).toBe(2);
    expect(JSON.parse(run.stdout).error).toContain(message);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('with --dry-run says the plan and its targets, and sends nothing', () => {
    const run = event(['loadtest', '--env', 'hackweek', '--dry-run']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      "hackweek: would start 80 servers of profile 'icesat2' at https://icesat2.hackweek.example.org/hub/api through the hub's spawn limit 30, at most 30 pending; targets: p95 server start <= 300 s",
    );
  });
});
