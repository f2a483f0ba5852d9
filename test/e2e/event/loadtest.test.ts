/**
 * `npm run event -- loadtest` against a real JupyterHub 5.5 on loopback: hub-stress with
 * the environment's users and the hub's spawn limit from config, and the event's targets
 * checked on its report and on the hub itself. The environment is hackweek's with the
 * fixture's spawn limit (3), as config/ would set it for a hub with that limit.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENVIRONMENTS } from '../../../config';
import { parseEnvironment } from '../../../config/load';
import { EnvironmentInput } from '../../../config/schema';
import { planLoadTest, runLoadTest } from '../../../tools/event/loadtest';
import { openStepLog } from '../../../tools/event/step-log';
import { SLOW_PREFIX, TestHub } from '../support/jupyterhub';

const ROOT = join(__dirname, '..', '..', '..');

let hub: TestHub;
let dir: string;
let savedEventDir: string | undefined;

/** hackweek as config/ would write it for a hub whose concurrent spawn limit is 3. */
function hackweek(loadTest: { p95StartSeconds?: number } = {}) {
  const input = structuredClone(ENVIRONMENTS.hackweek) as EnvironmentInput;
  input.hub.concurrentSpawnLimit = 3;
  input.hub.consecutiveFailureLimit = 6;
  input.hub.loadTest = loadTest;
  return parseEnvironment('hackweek', input);
}

beforeAll(async () => {
  hub = await TestHub.start({ concurrentSpawnLimit: 3, adminService: 'event-loadtest' });
  dir = mkdtempSync(join(tmpdir(), 'event-loadtest-'));
  savedEventDir = process.env.EVENT_DIR;
  process.env.EVENT_DIR = dir;
});

afterAll(async () => {
  await hub?.stop();
  if (savedEventDir === undefined) delete process.env.EVENT_DIR;
  else process.env.EVENT_DIR = savedEventDir;
  rmSync(dir, { recursive: true, force: true });
});

describe('loadtest', () => {
  it("meets the targets with the hub's spawn limit from config: no 429, every server up, nothing left", async () => {
    const logStart = hub.logSize();
    const plan = planLoadTest(hackweek(), 8);
    expect(plan).toMatchObject({ users: 8, spawnLimit: 3, pending: 3, prefix: 'loadtest' });
    const log = openStepLog('hackweek', 'loadtest', true);
    const outcome = await runLoadTest(plan, { url: hub.apiUrl, token: hub.token }, log);

    expect(outcome.code).toBe(0);
    expect(outcome.targets.map((t) => [t.name, t.met])).toEqual([
      ['p95 server start', true],
      ['none failed', true],
      ['none left behind', true],
    ]);
    expect(outcome.report).toMatchObject({ serversReady: 8, failures: {}, retries: {}, spawnWindow: 3 });
    // The hub's own word: not one spawn was refused, all eight started, none is left.
    await hub.logSettled();
    expect(hub.throttlesSince(logStart)).toBe(0);
    expect([...hub.startedPerHubLog('loadtest')]).toHaveLength(8);
    expect(await hub.users('loadtest')).toEqual([]);
    const written = readFileSync(log.path, 'utf8');
    expect(written).toContain('hub-stress stress --prefix loadtest --count 8 --batch-size 3 --spawn-limit 3');
    expect(written).toMatch(
      /^met: p95 server start: [\d.]+ s is within the target 300 s \(default: profile 'icesat2' start timeout 600 s less node boot 300 s\)$/m,
    );
  });

  it('exits 1 naming the target when servers start slower than the p95 target', async () => {
    // Servers of e2e-slow-NNNN users take 12 s to start; the target is 5 s.
    const plan = planLoadTest(hackweek({ p95StartSeconds: 5 }), 3, SLOW_PREFIX);
    const log = openStepLog('hackweek', 'loadtest', true);
    const outcome = await runLoadTest(plan, { url: hub.apiUrl, token: hub.token }, log);

    expect(outcome.code).toBe(1);
    const missed = outcome.targets.filter((t) => !t.met);
    expect(missed.map((t) => t.name)).toEqual(['p95 server start']);
    expect(missed[0].detail).toMatch(/^[\d.]+ s is above the target 5 s \(hub\.loadTest\.p95StartSeconds\)$/);
    // Those servers take at least 12 s: the p95 measured is theirs.
    expect(parseFloat(missed[0].detail)).toBeGreaterThanOrEqual(12);
    expect(readFileSync(log.path, 'utf8')).toMatch(
      /^MISSED: p95 server start: [\d.]+ s is above the target 5 s \(hub\.loadTest\.p95StartSeconds\)$/m,
    );
    expect(await hub.users(SLOW_PREFIX)).toEqual([]);
  });

  it('refuses a hub that still has load-test users of an earlier run, and creates nothing', async () => {
    expect((await hub.request('POST', '/users/loadtest-0042')).status).toBe(201);
    try {
      // The hub's log has our own POST first; only what comes after it counts.
      await hub.logSettled();
      const logStart = hub.logSize();
      const log = openStepLog('hackweek', 'loadtest', true);
      await expect(
        runLoadTest(planLoadTest(hackweek(), 2), { url: hub.apiUrl, token: hub.token }, log),
      ).rejects.toThrow(
        'the hub has 1 loadtest-NNNN users from an earlier run; remove them first with: npm run hub-stress -- purge --prefix loadtest',
      );
      await hub.logSettled();
      expect(hub.writesSince(logStart)).toEqual([]);
    } finally {
      expect((await hub.request('DELETE', '/users/loadtest-0042')).status).toBe(204);
    }
  });

  it('runs from the command line: the environment from config, exit 0 and the targets in JSON', async () => {
    // dev's spawn limit (64, the default) is above the 2 users: the fixture's 3 is never met.
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          join(ROOT, 'tools/event/cli.ts'),
          'loadtest',
          '--env',
          'dev',
          '--users',
          '2',
          '--hub-url',
          hub.apiUrl,
          '--json',
        ],
        {
          cwd: ROOT,
          env: { ...process.env, EVENT_DIR: dir, JUPYTERHUB_API_URL: '', JUPYTERHUB_API_TOKEN: hub.token },
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.stdout);
    expect(answer.plan).toMatchObject({ environment: 'dev', users: 2, spawnLimit: 64, pending: 64 });
    expect(answer.targets.every((t: { met: boolean }) => t.met)).toBe(true);
    expect(answer.report.serversReady).toBe(2);
    expect(run.stderr).toContain('met: none left behind');
    expect(run.stderr).not.toContain(hub.token);
    expect(await hub.users('loadtest')).toEqual([]);
  });
});
