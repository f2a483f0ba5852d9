/**
 * hub-stress against a real JupyterHub 5.5 (the hub's Python environment) on loopback, with
 * concurrent_spawn_limit 3 so that the hub's 429 throttle is really met. Every assertion
 * about servers and leftovers is made through the hub's own REST API, metrics or log.
 * Install what it needs and run it with `bash .ci/e2e-hub.sh`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SLOW_PREFIX, TestHub } from '../support/jupyterhub';
import { runTool, startTool } from '../support/run-tool';

let hub: TestHub;
let env: Record<string, string>;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns true; bounded so a broken run fails instead of hanging. */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  hub = await TestHub.start({
    concurrentSpawnLimit: 3,
    adminService: 'hub-stress',
    readonlyService: 'hub-stress-readonly',
  });
  env = { JUPYTERHUB_API_URL: hub.apiUrl, JUPYTERHUB_API_TOKEN: hub.token };
});

afterAll(async () => {
  await hub?.stop();
});

describe('bad input fails fast, before anything is created', () => {
  it.each([
    [
      'a token the hub rejects',
      ['stress', '--prefix', 'e2e-bad'],
      { JUPYTERHUB_API_TOKEN: 'not-a-valid-token-0000' },
      /^hub-stress: --token: the hub rejected the token \(HTTP 403\)/,
    ],
    [
      'count below 1',
      ['stress', '--prefix', 'e2e-bad', '--count', '0'],
      {},
      /^hub-stress: --count: "0" is not allowed/,
    ],
    [
      'a malformed URL',
      ['stress', '--prefix', 'e2e-bad'],
      { JUPYTERHUB_API_URL: 'http//127.0.0.1/hub/api' },
      /^hub-stress: --endpoint: "http\/\/127.0.0.1\/hub\/api" is not a URL/,
    ],
    [
      'a URL that is not a hub API',
      ['stress', '--prefix', 'e2e-bad'],
      { JUPYTERHUB_API_URL: 'URL_OF_PROXY_ROOT' },
      /^hub-stress: --endpoint: .* did not answer as a JupyterHub API/,
    ],
    [
      'a missing token',
      ['stress', '--prefix', 'e2e-bad'],
      { JUPYTERHUB_API_TOKEN: '' },
      /^hub-stress: --token: missing/,
    ],
    [
      // The hub takes this token, and would answer a POST /users from it with 403: only
      // the hub's log shows whether the tool tried.
      'a token without the scopes stress needs',
      ['stress', '--prefix', 'e2e-bad'],
      { JUPYTERHUB_API_TOKEN: 'READONLY_TOKEN' },
      /^hub-stress: --token: the token \(of "hub-stress-readonly"\) lacks admin:users, admin:servers; stress needs admin:users and admin:servers$/,
    ],
    [
      'a log file that cannot be written',
      ['stress', '--prefix', 'e2e-bad', '--log-file', '/nonexistent-dir/stress.log'],
      {},
      /^hub-stress: --log-file: cannot append to "\/nonexistent-dir\/stress.log" \(ENOENT: no such file or directory\)$/,
    ],
  ])('%s', async (_what, args, overrides: Record<string, string>, message) => {
    const merged = { ...env, ...overrides };
    // Known only once the hub is up: a real HTTP server that is not a hub API, a real token.
    if (merged.JUPYTERHUB_API_URL === 'URL_OF_PROXY_ROOT') {
      merged.JUPYTERHUB_API_URL = hub.apiUrl.replace(/\/hub\/api$/, '/nothing');
    }
    if (merged.JUPYTERHUB_API_TOKEN === 'READONLY_TOKEN') merged.JUPYTERHUB_API_TOKEN = hub.readonlyToken;
    const logStart = hub.logSize();
    const result = await runTool(args, merged);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr.trimEnd()).toMatch(message);
    expect(result.stderr).not.toContain(hub.token);
    expect(result.stderr).not.toContain(hub.readonlyToken);
    expect(result.stderr).not.toContain('not-a-valid-token-0000');
    // Nothing was created because nothing was asked: not one write reached the hub.
    await hub.logSettled();
    expect(hub.writesSince(logStart)).toEqual([]);
    expect(await hub.users('e2e-bad')).toEqual([]);
  });

  it('sees the hub log a write when one is made (so the check above can fail)', async () => {
    const logStart = hub.logSize();
    await hub.request('POST', '/users/e2e-bad-0001');
    await hub.request('DELETE', '/users/e2e-bad-0001');
    await hub.logSettled();
    expect(hub.writesSince(logStart)).toEqual([
      'POST /hub/api/users/e2e-bad-0001 (hub-stress@127.0.0.1)',
      'DELETE /hub/api/users/e2e-bad-0001 (hub-stress@127.0.0.1)',
    ]);
  });
});

describe('stress', () => {
  const expected = Array.from({ length: 20 }, (_, i) => `e2e-stress-${String(i + 1).padStart(4, '0')}`);

  it('brings 20 servers up through a spawn limit of 3, paying the 429 wait once, and leaves nothing behind', async () => {
    const spawnsBefore = await hub.successfulSpawns();
    const logStart = hub.logSize();
    // Twenty servers at about 5 s each, three at a time, outlast the hub's 30-60 s
    // Retry-After: the learned limit must not be tried again once the wait is over.
    const result = await runTool(
      ['stress', '--prefix', 'e2e-stress', '--count', '20', '--batch-size', '10', '--json'],
      env,
    );

    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      usersCreated: 20,
      serversRequested: 20,
      serversReady: 20,
      failures: {},
      spawnWindow: 3,
    });
    expect(report.cleanup).toEqual({ removed: 20, remaining: 0, failures: {} });
    // The limit was really met, by one probe above it, and only once: one user paid the wait.
    await hub.logSettled();
    expect(hub.throttlesSince(logStart)).toBe(1);
    expect(report.retries['429']).toBe(1);
    expect(report.spawnLatencyMs.count).toBe(20);
    // The median spawn paid no wait; the throttled one (the maximum) waited 30-60 s.
    expect(report.spawnLatencyMs.p50).toBeLessThan(30_000);
    expect(report.spawnLatencyMs.max).toBeGreaterThanOrEqual(30_000);
    expect(report.apiLatencyMs.p50).not.toBeNull();

    // The hub's own word: its spawn metrics and its per-user "took N seconds to start" log.
    expect((await hub.successfulSpawns()) - spawnsBefore).toBe(20);
    expect([...hub.startedPerHubLog('e2e-stress')].sort()).toEqual(expected);
    expect(await hub.users('e2e-stress')).toEqual([]);
  });

  it('told the spawn limit (--spawn-limit 3), brings 20 servers up without a single 429, and leaves nothing behind', async () => {
    const spawnsBefore = await hub.successfulSpawns();
    const logStart = hub.logSize();
    const result = await runTool(
      [
        'stress',
        '--prefix',
        'e2e-known',
        '--count',
        '20',
        '--batch-size',
        '10',
        '--spawn-limit',
        '3',
        '--json',
      ],
      env,
    );

    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      usersCreated: 20,
      serversRequested: 20,
      serversReady: 20,
      failures: {},
      retries: {},
      spawnWindow: 3,
    });
    expect(report.cleanup).toEqual({ removed: 20, remaining: 0, failures: {} });
    await hub.logSettled();
    expect(hub.throttlesSince(logStart)).toBe(0);
    // No one waited out a Retry-After.
    expect(report.spawnLatencyMs.count).toBe(20);
    expect(report.spawnLatencyMs.max).toBeLessThan(30_000);

    expect((await hub.successfulSpawns()) - spawnsBefore).toBe(20);
    expect([...hub.startedPerHubLog('e2e-known')].sort()).toEqual(
      expected.map((name) => name.replace('e2e-stress', 'e2e-known')),
    );
    expect(await hub.users('e2e-known')).toEqual([]);
  });
});

describe('--keep, status and purge', () => {
  it('keeps servers, continues numbering, reports them, and purges only its own users', async () => {
    // A real user whose name shares the prefix must survive the purge.
    expect((await hub.request('POST', '/users/e2e-keep-admin')).status).toBe(201);

    const first = await runTool(
      ['stress', '--prefix', 'e2e-keep', '--count', '3', '--batch-size', '3', '--keep', '--json'],
      env,
    );
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ serversReady: 3, kept: true });
    const second = await runTool(
      ['stress', '--prefix', 'e2e-keep', '--count', '2', '--batch-size', '3', '--keep', '--json'],
      env,
    );
    expect(second.code).toBe(0);
    expect((await hub.readyServers('e2e-keep')).sort()).toEqual([
      'e2e-keep-0001',
      'e2e-keep-0002',
      'e2e-keep-0003',
      'e2e-keep-0004',
      'e2e-keep-0005',
    ]);

    const status = await runTool(['status', '--prefix', 'e2e-keep', '--json'], env);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).status).toEqual({
      users: 5,
      servers: { checking: 0, ready: 5, spawning: 0, stopped: 0, stopping: 0 },
    });

    const dryRun = await runTool(['purge', '--prefix', 'e2e-keep', '--dry-run'], env);
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toContain('would stop and delete e2e-keep-0001..e2e-keep-0005 (5 users)');
    expect(await hub.readyServers('e2e-keep')).toHaveLength(5);

    const purge = await runTool(['purge', '--prefix', 'e2e-keep', '--json'], env);
    expect(purge.code).toBe(0);
    expect(JSON.parse(purge.stdout).cleanup).toEqual({ removed: 5, remaining: 0, failures: {} });
    expect((await hub.users('e2e-keep')).map((u) => u.name)).toEqual(['e2e-keep-admin']);

    const again = await runTool(['purge', '--prefix', 'e2e-keep', '--json'], env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).cleanup).toEqual({ removed: 0, remaining: 0, failures: {} });
    expect((await hub.request('DELETE', '/users/e2e-keep-admin')).status).toBe(204);
  });
});

describe('activity', () => {
  it('posts activity from concurrent workers, measures a probe stream, and deletes its users', async () => {
    const run = startTool(
      ['activity', '--prefix', 'e2e-act', '--count', '15', '--workers', '4', '--duration', '4', '--json'],
      env,
    );
    // The hub itself must record the activity the tool sends.
    await eventually(
      async () => (await hub.users('e2e-act')).filter((u) => u.last_activity !== null).length >= 10,
      'activity recorded by the hub',
    );
    const result = await run.done;
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.usersCreated).toBe(15);
    expect(report.failures).toEqual({});
    expect(report.activity.workers).toBe(4);
    expect(report.activity.updates).toBeGreaterThan(15);
    expect(report.activity.updateLatencyMs.count).toBe(report.activity.updates);
    expect(report.activity.idleApiLatencyMs.count).toBe(20);
    expect(report.apiLatencyMs.count).toBeGreaterThan(0);
    expect(await hub.users('e2e-act')).toEqual([]);
  });
});

describe('a spawn that times out', () => {
  it('is stopped before its slot goes to the next user, so the hub never throttles the run', async () => {
    // These servers take SLOW_SPAWN_S (12 s) to start: the spawn request answers 202 after
    // 10 s, and the hub keeps each spawn pending for 2 s more. Giving the slot away at the timeout would put
    // a fourth spawn on a hub that still holds three.
    const logStart = hub.logSize();
    const result = await runTool(
      ['stress', '--prefix', SLOW_PREFIX, '--count', '4', '--batch-size', '3', '--timeout', '10', '--json'],
      env,
    );
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.failures).toEqual({ timeout: 4 });
    expect(report.retries).toEqual({});
    await hub.logSettled();
    expect(hub.throttlesSince(logStart)).toBe(0);
    expect(report.cleanup).toEqual({ removed: 4, remaining: 0, failures: {} });
    expect(await hub.users(SLOW_PREFIX)).toEqual([]);
  });
});

describe('a hub restart mid-run', () => {
  it('rides through the outage and still cleans up', async () => {
    const run = startTool(
      ['stress', '--prefix', 'e2e-restart', '--count', '9', '--batch-size', '3', '--json'],
      env,
    );
    await eventually(async () => (await hub.readyServers('e2e-restart')).length >= 2, 'first servers ready');
    await hub.killHub();
    await sleep(3000); // the proxy answers 503 meanwhile
    await hub.startHub(); // same sqlite database, so users and running servers survive
    const result = await run.done;
    const report = JSON.parse(result.stdout);
    const outageRetries = Object.entries(report.retries as Record<string, number>)
      .filter(([code]) => code !== '429')
      .reduce((sum, [, n]) => sum + n, 0);
    expect(outageRetries).toBeGreaterThan(0);
    expect(report.serversReady).toBe(9);
    expect(report.cleanup).toEqual({ removed: 9, remaining: 0, failures: {} });
    expect(result.code).toBe(0);
    expect(await hub.users('e2e-restart')).toEqual([]);
  });
});

describe('Ctrl-C', () => {
  it('stops and deletes what the run created on the first SIGINT, and exits as soon as it has reported', async () => {
    // --batch-size above the hub's limit: a throttled user is waiting out its Retry-After
    // when Ctrl-C comes, which once kept the process alive for up to a minute.
    const run = startTool(
      ['stress', '--prefix', 'e2e-sigint', '--count', '20', '--batch-size', '10', '--verbose'],
      env,
    );
    let reportedAt = 0;
    run.child.stdout?.on('data', () => (reportedAt = Date.now()));
    await eventually(async () => run.stderr().includes(': throttled, window now'), 'a 429');
    run.child.kill('SIGINT');
    const result = await run.done;
    expect(result.code).toBe(130);
    expect(Date.now() - reportedAt).toBeLessThan(3_000);
    expect(result.stderr).toContain('SIGINT: stopping and cleaning up');
    expect(result.stdout).toContain('(interrupted)');
    expect(await hub.users('e2e-sigint')).toEqual([]);
  });

  it('exits at once on a second SIGINT, naming what may remain and how to purge it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-stress-e2e-'));
    const logFile = join(dir, 'twice.log');
    const run = startTool(
      ['stress', '--prefix', 'e2e-twice', '--count', '6', '--batch-size', '3', '--log-file', logFile],
      env,
    );
    await eventually(async () => (await hub.readyServers('e2e-twice')).length >= 2, 'first servers ready');
    run.child.kill('SIGINT');
    await eventually(
      async () => run.stderr().includes('cleaning up'),
      'first interrupt acknowledged',
      10_000,
    );
    run.child.kill('SIGINT');
    const result = await run.done;
    expect(result.code).toBe(130);
    // Cleanup may have removed a few before the second Ctrl-C; the rest are named.
    expect(result.stderr).toMatch(
      /may remain: e2e-twice-\d{4}(\.\.e2e-twice-\d{4})? \(\d+ users?\); remove with: hub-stress purge --prefix e2e-twice/,
    );
    // The log file was written out before the process went, up to that last line.
    const lastLogged = readFileSync(logFile, 'utf8').trimEnd().split('\n').pop();
    expect(lastLogged).toMatch(/ WARN hub-stress: exiting at once; may remain: e2e-twice-/);
    rmSync(dir, { recursive: true, force: true });

    const purge = await runTool(['purge', '--prefix', 'e2e-twice'], env);
    expect(purge.code).toBe(0);
    expect(await hub.users('e2e-twice')).toEqual([]);
  });
});
