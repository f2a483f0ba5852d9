/**
 * spawnAll's own account of a run, line by line (what `--verbose` shows an operator), and
 * the edges the main scheduler tests leave open. Kept apart from scheduler.test.ts so both
 * can grow without conflicts; `npm run mutate -- tools/hub-stress/scheduler.ts` runs both.
 */
import { getEventListeners } from 'node:events';
import { TransportError } from '../../../tools/hub-stress/http';
import { userName } from '../../../tools/hub-stress/names';
import { Progress } from '../../../tools/hub-stress/progress';
import { spawnAll } from '../../../tools/hub-stress/scheduler';
import { FakeHub } from './fake-hub';
import { settle, testContext } from './support';

const names = (n: number): string[] => Array.from({ length: n }, (_, i) => userName('hub-stress', i + 1));

/** Creates the users, runs spawnAll to the end; returns the results and the scheduler's log lines. */
async function run(hub: FakeHub, argv: string[], count: number) {
  const ctx = testContext(hub, ['stress', ...argv]);
  const users = names(count);
  await settle(ctx.client.createUsers(users));
  const progress = new Progress(ctx.log, count);
  const started = Date.now();
  const results = await settle(spawnAll(ctx, users, progress));
  // The scheduler's lines name the user first; the client's name the request.
  const lines = ctx.lines.filter((l) => l.startsWith('hub-stress-'));
  return { ctx, results, progress, lines, started };
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('spawnAll as --verbose shows it', () => {
  it('names each spawn with what is pending and whether it probes, each 429 with the window, each failure', async () => {
    // A limit of 2: three probes, the third is refused; the fourth user refills a freed slot
    // without probing; the refused user comes back after its Retry-After, alone, and its
    // server never starts within --timeout.
    const hub = new FakeHub({
      concurrentSpawnLimit: 2,
      retryAfterS: 30,
      startTimeoutMs: 20_000,
      spawnMs: (name) => (name.endsWith('-0003') ? 60_000 : 4_000),
    });
    const { results, lines } = await run(hub, ['--batch-size', '4', '--timeout', '15'], 4);
    expect(lines).toEqual([
      'hub-stress-0001: spawning, 1 pending (a probe)',
      'hub-stress-0002: spawning, 2 pending (a probe)',
      'hub-stress-0003: spawning, 3 pending (a probe)',
      'hub-stress-0003: throttled, window now 2',
      'hub-stress-0004: spawning, 2 pending',
      'hub-stress-0003: spawning, 1 pending',
      'hub-stress-0003: timeout',
    ]);
    expect(results).toMatchObject({ ready: 3, requested: 4, window: 2 });
    expect(results.failures.toJSON()).toEqual({ timeout: 1 });
  });

  it('warns when a spawn that timed out cannot be stopped within --timeout either', async () => {
    // The hub holds the spawn for its own start timeout (120 s), far past ours (15 s) and
    // past the stop that follows it (another 15 s).
    const hub = new FakeHub({ startTimeoutMs: 120_000, spawnMs: () => 600_000 });
    const { results, lines, progress } = await run(hub, ['--batch-size', '1', '--timeout', '15'], 1);
    expect(lines).toEqual([
      // The first spawn of a run always probes: nothing is known of the hub's limit yet.
      'hub-stress-0001: spawning, 1 pending (a probe)',
      'hub-stress-0001: timeout',
      'hub-stress-0001: after the timeout, stop: timeout',
    ]);
    expect(results.failures.toJSON()).toEqual({ timeout: 1 });
    expect(progress.failed).toBe(1);
  });
});

describe('spawnAll retries', () => {
  const throttle = (retryAfterS: number) => ({
    status: 429,
    headers: { 'retry-after': String(retryAfterS) },
    body: JSON.stringify({ status: 429, message: 'Too many users' }),
  });

  it('retries each throttled user when its own Retry-After ends, the shorter one first', async () => {
    // The first user is told to come back in 60 s, the second, refused after it, in 5 s.
    const hub = new FakeHub();
    const refused = new Set<string>();
    const posts: Array<[user: string, at: number]> = [];
    hub.intercept = (method, path) => {
      if (method !== 'POST' || !path.endsWith('/server')) return undefined;
      const user = path.split('/')[2];
      posts.push([user, Date.now()]);
      if (refused.has(user)) return undefined;
      refused.add(user);
      return throttle(user.endsWith('-0001') ? 60 : 5);
    };
    const { results } = await run(hub, ['--batch-size', '2'], 2);
    expect(results.ready).toBe(2);
    expect(posts.map(([user]) => user)).toEqual(names(2).concat(names(2).reverse()));
    const [[, first1], [, first2], [, again2], [, again1]] = posts;
    expect(again2 - first2).toBeGreaterThanOrEqual(5_000);
    expect(again2 - first2).toBeLessThan(6_000);
    expect(again1 - first1).toBeGreaterThanOrEqual(60_000);
    expect(again1 - first1).toBeLessThan(61_000);
  });

  it('does not count a 429 as an attempt: three tries of a failing spawn remain after it', async () => {
    const hub = new FakeHub();
    let posts = 0;
    hub.intercept = (method, path) => {
      if (method !== 'POST' || !path.endsWith('/server')) return undefined;
      return ++posts === 1 ? throttle(1) : { status: 503, headers: {}, body: '' };
    };
    const { results, lines } = await run(hub, ['--batch-size', '1'], 1);
    expect(results.failures.toJSON()).toEqual({ 'http-503': 1 });
    expect(lines.filter((l) => l === 'hub-stress-0001: http-503, trying again')).toHaveLength(2);
  });
});

it("leaves no listener on the run's signal once it has returned", async () => {
  const hub = new FakeHub();
  const ctx = testContext(hub, ['stress', '--batch-size', '2']);
  await settle(ctx.client.createUsers(names(2)));
  const results = await settle(spawnAll(ctx, names(2), new Progress(ctx.log, 2)));
  expect(results.ready).toBe(2);
  expect(getEventListeners(ctx.signal, 'abort')).toEqual([]);
});

describe('spawnAll sends probes one at a time, each once the one before is confirmed', () => {
  /**
   * Runs spawnAll and returns each spawn request as `<user number> +<ms>`: when it reached
   * the hub (1 ms on the way), from the start of the run. `trouble` may throw instead of
   * answering the `nth` spawn request of `user`.
   */
  async function arrivals(hub: FakeHub, count: number, trouble?: (user: string, nth: number) => void) {
    const posts: Array<[user: string, at: number]> = [];
    hub.intercept = (method, path) => {
      if (method !== 'POST' || !path.endsWith('/server')) return undefined;
      const user = path.split('/')[2];
      posts.push([user, Date.now()]);
      trouble?.(user, posts.filter(([u]) => u === user).length);
      return undefined;
    };
    const { results, started } = await run(hub, ['--batch-size', '10'], count);
    expect(results.ready).toBe(count);
    return posts.map(([user, at]) => `${user.slice(-4)} +${at - started}`);
  }
  const spawnMs = (times: Record<string, number>) => (name: string) => times[name.slice(-4)] ?? 60_000;

  it('confirms a probe the hub has not refused after exactly one second, and only then sends the next', async () => {
    // Spawns of a minute: no 201 or 202 confirms anything first.
    const hub = new FakeHub({ spawnMs: () => 60_000 });
    expect(await arrivals(hub, 4)).toEqual(['0001 +1', '0002 +1001', '0003 +2001', '0004 +3001']);
  });

  it('still waits for the probe out when a server coming up wakes it earlier', async () => {
    // The first server is up at 1.1 s, while the second user's probe (sent at 1 s) is out:
    // that wakes the loop, but the slot it frees is not proven, so the third user waits
    // until the probe is confirmed at 2 s.
    const hub = new FakeHub({ spawnMs: spawnMs({ '0001': 1_100 }) });
    expect(await arrivals(hub, 3)).toEqual(['0001 +1', '0002 +1001', '0003 +2001']);
  });

  it('holds a refill below the proven level for the probe gap after the last probe', async () => {
    // Two spawns proven by 2 s, when the third user probes; both servers are up by 2.1 s,
    // and the fourth user refills one of their slots 250 ms after the probe, not at once.
    const hub = new FakeHub({ spawnMs: spawnMs({ '0001': 2_050, '0002': 1_100 }) });
    expect(await arrivals(hub, 4)).toEqual(['0001 +1', '0002 +1001', '0003 +2001', '0004 +2251']);
  });

  it('wakes to confirm a probe when only a user waiting to retry is left, and retries it then', async () => {
    // The first request fails with an error the client does not retry, so the first user is
    // due again at 2 s. The second user goes out at the probe gap (0.25 s), the earliest
    // wake-up, not at 2 s; the third user's probe, sent at 1.25 s, is confirmed at 2.25 s,
    // and the retry goes out then, not when a server comes up (4.25 s).
    const hub = new FakeHub({ spawnMs: () => 4_000 });
    const posts = await arrivals(hub, 3, (user, nth) => {
      if (user.endsWith('-0001') && nth === 1) throw new TransportError('protocol error', 'EPROTO');
    });
    expect(posts).toEqual(['0001 +1', '0002 +251', '0003 +1251', '0001 +2251']);
  });
});
