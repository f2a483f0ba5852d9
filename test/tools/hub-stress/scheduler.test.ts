import { userName } from '../../../tools/hub-stress/names';
import { Progress } from '../../../tools/hub-stress/progress';
import { spawnAll } from '../../../tools/hub-stress/scheduler';
import { TransportError } from '../../../tools/hub-stress/http';
import { FakeHub } from './fake-hub';
import { settle, testContext } from './support';

const names = (n: number): string[] => Array.from({ length: n }, (_, i) => userName('hub-stress', i + 1));

/** Creates the users in the fake hub, then starts all their servers through spawnAll. */
async function run(hub: FakeHub, argv: string[], count: number) {
  const ctx = testContext(hub, ['stress', ...argv]);
  const users = names(count);
  await settle(ctx.client.createUsers(users));
  const started = Date.now();
  const progress = new Progress(ctx.log, count);
  const promise = spawnAll(ctx, users, progress);
  return { ctx, users, promise, started, progress };
}

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  jest.useRealTimers();
});

describe('spawnAll with the spawn window, against a hub with a concurrent spawn limit', () => {
  it('brings 20 servers up through a limit of 3 with --batch-size 10, costing one user the 429 wait', async () => {
    const hub = new FakeHub({ concurrentSpawnLimit: 3, retryAfterS: 30 });
    const { promise, started } = await run(hub, ['--batch-size', '10'], 20);
    const results = await settle(promise);

    expect(results).toMatchObject({ ready: 20, requested: 20, window: 3 });
    expect(results.failures.toJSON()).toEqual({});
    expect(hub.throttled).toHaveLength(1);
    expect(hub.maxPending).toBe(3);
    // Seven rounds of 4 s spawns at 3 a time, plus the one user who waited 30 s.
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(results.latencies.filter((ms) => ms >= 30_000)).toHaveLength(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it.each([250, 750, 1_500])(
    'costs one 429 through a limit of 3 with spawns of %i ms, shorter or longer than the confirmation',
    async (spawnMs) => {
      const hub = new FakeHub({ concurrentSpawnLimit: 3, spawnMs: () => spawnMs });
      const { promise } = await run(hub, ['--batch-size', '10'], 30);
      const results = await settle(promise);
      expect(results).toMatchObject({ ready: 30, window: 3 });
      expect(hub.throttled).toHaveLength(1);
    },
  );

  it('does not count a server that just came up as pending when it starts the next probe', async () => {
    // The second server is up after 0.5 s, before its probe was confirmed by time; the loop
    // must not run on its 201 while it still counts as pending, or the next probe "proves"
    // a third slot on a hub that has two, and two users pay the wait.
    const hub = new FakeHub({
      concurrentSpawnLimit: 2,
      spawnMs: (name) => (name.endsWith('-0002') ? 500 : 10_000),
    });
    const { promise } = await run(hub, ['--batch-size', '10'], 6);
    const results = await settle(promise);
    expect(results).toMatchObject({ ready: 6, window: 2 });
    expect(hub.throttled).toHaveLength(1);
  });

  it.each([1, 2, 3, 4, 5, 6])(
    'learns the exact limit when requests reach the hub in another order than sent (seed %i)',
    async (seed) => {
      let state = seed;
      // 1-40 ms on the way: a refill sent just before the probe may arrive after it.
      const latencyMs = (): number => 1 + ((state = (state * 48271) % 2147483647) % 40);
      const hub = new FakeHub({ concurrentSpawnLimit: 3, spawnMs: () => 2_500, latencyMs });
      const { promise } = await run(hub, ['--batch-size', '10'], 20);
      const results = await settle(promise);
      expect(results).toMatchObject({ ready: 20, window: 3 });
      expect(hub.throttled).toHaveLength(1);
    },
  );

  it('pays the 429 once on a hub that stays full (12 s spawns, 60 users), long after the Retry-After', async () => {
    const hub = new FakeHub({ concurrentSpawnLimit: 3, spawnMs: () => 12_000 });
    const { promise } = await run(hub, ['--batch-size', '10'], 60);
    const results = await settle(promise);
    expect(results).toMatchObject({ ready: 60, window: 3 });
    // Four minutes of spawns through 3 slots: the learned limit is never tried again.
    expect(hub.throttled).toHaveLength(1);
    expect(hub.maxPending).toBe(3);
  });

  it('pays the 429 once when 20 spawns of 5 s through a limit of 3 outlast the Retry-After', async () => {
    // JupyterHub 5.5 on loopback: about 5 s a spawn, so seven rounds take 35 s, past the 30 s
    // Retry-After; a run that tried its learned limit again then paid a second 429.
    const hub = new FakeHub({ concurrentSpawnLimit: 3, retryAfterS: 30, spawnMs: () => 5_000 });
    const { promise, started } = await run(hub, ['--batch-size', '10'], 20);
    const results = await settle(promise);
    expect(results).toMatchObject({ ready: 20, requested: 20, window: 3 });
    expect(Date.now() - started).toBeGreaterThan(35_000);
    expect(hub.throttled).toHaveLength(1);
    expect(hub.maxPending).toBe(3);
  });

  it('meets no 429 at all when --batch-size is within the hub limit', async () => {
    const hub = new FakeHub({ concurrentSpawnLimit: 10 });
    const { promise } = await run(hub, ['--batch-size', '10'], 50);
    const results = await settle(promise);
    expect(results).toMatchObject({ ready: 50, window: 10 });
    expect(hub.throttled).toEqual([]);
    expect(hub.maxPending).toBe(10);
  });

  it('keeps a limit learned while other people were spawning: slower, never throttled again', async () => {
    // Others hold 7 of the hub's 10 pending spawns for the first 20 s.
    const t0 = Date.now();
    const hub = new FakeHub({
      concurrentSpawnLimit: 10,
      othersPending: (now) => (now < t0 + 20_000 ? 7 : 0),
    });
    const { promise } = await run(hub, ['--batch-size', '10'], 60);
    const results = await settle(promise);
    expect(results.ready).toBe(60);
    expect(hub.throttled).toHaveLength(1);
    expect(hub.maxPending).toBe(3);
    expect(results.window).toBe(3);
  });

  it('keeps a timed-out spawn in the window until it is stopped, so its slot is not given away', async () => {
    // The first user's server never comes up; the hub itself gives up on it after 100 s.
    const hub = new FakeHub({
      concurrentSpawnLimit: 2,
      startTimeoutMs: 100_000,
      spawnMs: (name) => (name.endsWith('-0001') ? Infinity : 4_000),
    });
    const { promise } = await run(hub, ['--batch-size', '2', '--timeout', '60'], 8);
    const results = await settle(promise);
    expect(results.ready).toBe(7);
    expect(results.failures.toJSON()).toEqual({ timeout: 1 });
    // Handing the slot back at 60 s, while the hub still held the spawn, would have met a 429.
    expect(hub.throttled).toEqual([]);
    expect(hub.state('hub-stress-0001')).toBe('stopped');
    expect(hub.requests).toContain('DELETE /users/hub-stress-0001/server');
  });

  it('stops a spawn that timed out here but came up later', async () => {
    const hub = new FakeHub({ spawnMs: () => 15_000 });
    const { promise } = await run(hub, ['--batch-size', '2', '--timeout', '10'], 1);
    const results = await settle(promise);
    expect(results.failures.toJSON()).toEqual({ timeout: 1 });
    expect(hub.state('hub-stress-0001')).toBe('stopped');
  });

  it('returns promptly on Ctrl-C while a throttled user waits out its Retry-After, leaving no timer behind', async () => {
    const hub = new FakeHub({ concurrentSpawnLimit: 1, retryAfterS: 60, spawnMs: () => 2_000 });
    const { ctx, promise } = await run(hub, ['--batch-size', '2'], 2);
    // The first server is up at 2 s; the second user was throttled at 1 s and waits 60 s.
    await jest.advanceTimersByTimeAsync(3_000);
    expect(hub.throttled).toEqual(['hub-stress-0002']);
    expect(hub.state('hub-stress-0001')).toBe('ready');
    ctx.controller.abort();
    const abortedAt = Date.now();
    const results = await settle(promise);
    expect(Date.now() - abortedAt).toBeLessThanOrEqual(100);
    expect(results).toMatchObject({ ready: 1, requested: 2 });
    // A timer left behind would keep the process alive until the Retry-After is over.
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('spawnAll told the hub spawn limit (--spawn-limit)', () => {
  it('brings 20 servers up through a limit of 3 without one 429, three at once from the start', async () => {
    const hub = new FakeHub({ concurrentSpawnLimit: 3, spawnMs: () => 5_000 });
    const { promise, started } = await run(hub, ['--batch-size', '10', '--spawn-limit', '3'], 20);
    // Within the first spawn's 5 s, three are pending: no probing one at a time.
    await jest.advanceTimersByTimeAsync(1_000);
    expect(hub.requests.filter((r) => r.startsWith('POST /users/') && r.endsWith('/server'))).toHaveLength(3);
    const results = await settle(promise);
    expect(results).toMatchObject({ ready: 20, requested: 20, window: 3 });
    expect(results.failures.toJSON()).toEqual({});
    expect(hub.throttled).toEqual([]);
    expect(hub.maxPending).toBe(3);
    // Seven rounds of 5 s and no Retry-After wait anywhere.
    expect(Date.now() - started).toBeLessThan(40_000);
    expect(Math.max(...results.latencies)).toBeLessThan(30_000);
  });

  it('keeps within --batch-size when that is below the spawn limit', async () => {
    const hub = new FakeHub({ concurrentSpawnLimit: 10 });
    const { promise } = await run(hub, ['--batch-size', '4', '--spawn-limit', '10'], 12);
    const results = await settle(promise);
    expect(results).toMatchObject({ ready: 12, window: 4 });
    expect(hub.maxPending).toBe(4);
    expect(hub.throttled).toEqual([]);
  });

  it('still learns from a 429 when other people take slots of the limit it was told, and pays it once', async () => {
    // Told 5, but others hold 2 of the hub's 5 for the whole run: the hub has room for 3 of ours.
    const hub = new FakeHub({ concurrentSpawnLimit: 5, spawnMs: () => 5_000, othersPending: () => 2 });
    const { promise } = await run(hub, ['--batch-size', '10', '--spawn-limit', '5'], 20);
    const results = await settle(promise);
    expect(results).toMatchObject({ ready: 20, window: 3 });
    // All five went at once, so two met the limit together; none after that.
    expect(hub.throttled).toHaveLength(2);
    expect(hub.maxPending).toBe(3);
  });

  it('brings servers up one at a time when the hub takes only one', async () => {
    const hub = new FakeHub({ concurrentSpawnLimit: 1, spawnMs: () => 1_000 });
    const { promise } = await run(hub, ['--spawn-limit', '1'], 5);
    const results = await settle(promise);
    expect(results).toMatchObject({ ready: 5, window: 1 });
    expect(hub.throttled).toEqual([]);
  });
});

describe('spawnAll when spawns fail or the run is interrupted', () => {
  const spawnPosts = (hub: FakeHub, name: string): number =>
    hub.requests.filter((r) => r === `POST /users/${name}/server`).length;

  it('gives up on a user after the eleventh 429 from a hub that stays full', async () => {
    // Somebody else holds the hub's only spawn slot for the whole run.
    const hub = new FakeHub({ concurrentSpawnLimit: 1, othersPending: () => 1, retryAfterS: 30 });
    const { ctx, promise, started, progress } = await run(hub, ['--batch-size', '2'], 1);
    const results = await settle(promise);
    expect(results).toMatchObject({ ready: 0, requested: 1 });
    expect(results.failures.toJSON()).toEqual({ throttled: 1 });
    expect(progress.failed).toBe(1);
    expect(ctx.client.retries.toJSON()).toEqual({ '429': 11 });
    // Ten retries, each after the Retry-After: then the user is given up, not retried forever.
    expect(hub.throttled).toHaveLength(11);
    expect(Date.now() - started).toBeGreaterThanOrEqual(10 * 30_000);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('retries a user whose 429 came after the last new user had started, before it returns', async () => {
    // The second (last) user's probe meets the limit of 1 while the first is pending.
    const hub = new FakeHub({ concurrentSpawnLimit: 1, retryAfterS: 30, spawnMs: () => 4_000 });
    const { promise } = await run(hub, ['--batch-size', '2'], 2);
    const results = await settle(promise);
    expect(hub.throttled).toEqual(['hub-stress-0002']);
    expect(results).toMatchObject({ ready: 2, requested: 2, window: 1 });
    expect(results.failures.toJSON()).toEqual({});
    expect(hub.state('hub-stress-0002')).toBe('ready');
  });

  it('uses a 30 s wait after a 429 that has no Retry-After', async () => {
    const hub = new FakeHub({ concurrentSpawnLimit: 1, spawnMs: () => 4_000 });
    hub.intercept = (method, path) => {
      if (method !== 'POST' || !path.endsWith('/server') || hub.pending() < 1) return undefined;
      hub.throttled.push(path);
      return { status: 429, headers: {}, body: JSON.stringify({ status: 429, message: 'Too many users' }) };
    };
    const { promise, started } = await run(hub, ['--batch-size', '2'], 2);
    const results = await settle(promise);
    expect(results.ready).toBe(2);
    expect(hub.throttled).toHaveLength(1);
    const [, second] = results.latencies;
    expect(second).toBeGreaterThanOrEqual(30_000);
    expect(Date.now() - started).toBeLessThan(40_000);
  });

  it('tries a spawn that the hub answered 503 to again, up to three attempts in all', async () => {
    const hub = new FakeHub();
    hub.intercept = (method, path) =>
      method === 'POST' && path.endsWith('/server') ? { status: 503, headers: {}, body: '' } : undefined;
    const { ctx, promise } = await run(hub, ['--batch-size', '1'], 1);
    const results = await settle(promise);
    expect(results.failures.toJSON()).toEqual({ 'http-503': 1 });
    expect(results.ready).toBe(0);
    // Only a spawn that timed out here is stopped afterwards.
    expect(hub.requests).not.toContain('DELETE /users/hub-stress-0001/server');
    // Each attempt is a client call that rode out 503s itself; the third one gives up.
    expect(ctx.lines.filter((l) => l.includes('hub-stress-0001: http-503, trying again'))).toHaveLength(2);
    expect(ctx.lines.filter((l) => l.includes('hub-stress-0001: http-503'))).toHaveLength(3);
  });

  it('brings a user up once a hub restart is over, through a second attempt', async () => {
    const hub = new FakeHub();
    const { ctx, promise } = await run(hub, ['--batch-size', '1'], 1);
    // The hub is down (connection refused) for four minutes: longer than one client call
    // rides out (three), shorter than the scheduler's attempts together.
    const t0 = Date.now();
    hub.intercept = () => {
      if (Date.now() < t0 + 240_000) throw new TransportError('connect ECONNREFUSED', 'ECONNREFUSED');
      return undefined;
    };
    const results = await settle(promise);
    expect(results).toMatchObject({ ready: 1, requested: 1 });
    expect(results.failures.toJSON()).toEqual({});
    expect(ctx.lines.filter((l) => l.includes('unreachable:ECONNREFUSED, trying again'))).toHaveLength(1);
  });

  it.each([
    ['without an outage', false, 8],
    ['with a 503 on the first spawn', true, 4],
  ])('halves the window after a spawn met the hub restarting (%s)', async (_label, outage, expected) => {
    const hub = new FakeHub({ spawnMs: (name) => (name.endsWith('-0001') ? 100 : 20_000) });
    let refused = !outage;
    hub.intercept = (method, path) => {
      if (refused || method !== 'POST' || !path.endsWith('/server')) return undefined;
      refused = true;
      return { status: 503, headers: {}, body: '' };
    };
    const { promise } = await run(hub, ['--batch-size', '8'], 12);
    // One probe a second; the first server is up at once, the others take 20 s.
    await jest.advanceTimersByTimeAsync(15_000);
    expect(hub.maxPending).toBe(expected);
    const results = await settle(promise);
    expect(results.ready).toBe(12);
  });

  it('counts a surprise from one user as an error and brings the others up', async () => {
    const hub = new FakeHub();
    hub.intercept = (method, path) => {
      if (method === 'POST' && path === '/users/hub-stress-0002/server') throw new Error('socket exploded');
      return undefined;
    };
    const { ctx, promise } = await run(hub, ['--batch-size', '3'], 3);
    const results = await settle(promise);
    expect(results).toMatchObject({ ready: 2, requested: 3 });
    expect(results.failures.toJSON()).toEqual({ error: 1 });
    expect(ctx.lines.some((l) => l.includes('hub-stress-0002: socket exploded'))).toBe(true);
  });

  it('drops spawns that are waiting when the run is interrupted, without counting them as failures', async () => {
    const hub = new FakeHub({ spawnMs: () => 60_000 });
    const { ctx, promise } = await run(hub, ['--batch-size', '2'], 2);
    // Both spawns were answered 202 at 10 s and are being polled.
    await jest.advanceTimersByTimeAsync(15_000);
    expect(hub.pending()).toBe(2);
    ctx.controller.abort();
    const results = await settle(promise);
    expect(results).toMatchObject({ ready: 0, requested: 2 });
    expect(results.failures.toJSON()).toEqual({});
    expect(spawnPosts(hub, 'hub-stress-0001')).toBe(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('does not start anyone when interrupted before it began', async () => {
    const hub = new FakeHub();
    const ctx = testContext(hub, ['stress']);
    await settle(ctx.client.createUsers(names(2)));
    ctx.controller.abort();
    const results = await settle(spawnAll(ctx, names(2), new Progress(ctx.log, 2)));
    expect(results).toMatchObject({ ready: 0, requested: 0 });
    expect(hub.requests.filter((r) => r.startsWith('POST /users/'))).toEqual([]);
  });
});

describe('spawnAll against a hub that is slow to answer a 429', () => {
  it.each([
    [0, 1],
    [600, 1],
    [1_500, 2],
  ])(
    'with 429s that take %i ms, %i users pay the wait before the limit is learned',
    async (throttleMs, paid) => {
      const hub = new FakeHub({ concurrentSpawnLimit: 3, spawnMs: () => 12_000, throttleMs });
      const { promise } = await run(hub, ['--batch-size', '10'], 9);
      const results = await settle(promise);
      expect(results).toMatchObject({ ready: 9, window: 3 });
      expect(hub.throttled).toHaveLength(paid);
    },
  );

  it('stretches the confirmation to twice the slowest 429, so later probes are not confirmed early', async () => {
    // Spawns of 20 s: the ceiling of 3 is retried after its Retry-After, while servers
    // from before are still pending. A 1.5 s 429 would be taken for an acceptance at 1 s.
    const hub = new FakeHub({ concurrentSpawnLimit: 3, spawnMs: () => 20_000, throttleMs: 1_500 });
    const { promise } = await run(hub, ['--batch-size', '10'], 40);
    const results = await settle(promise);
    expect(results).toMatchObject({ ready: 40, window: 3 });
    expect(hub.maxPending).toBe(3);
    // Two at the first probe (before any 429 was seen), then one per recovery try.
    const first = hub.throttled.slice(0, 2);
    expect(first).toHaveLength(2);
    expect(hub.throttled.length).toBeLessThanOrEqual(5);
  });
});
