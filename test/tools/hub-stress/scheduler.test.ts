import { Progress } from '../../../tools/hub-stress/progress';
import { spawnAll } from '../../../tools/hub-stress/scheduler';
import { FakeHub } from './fake-hub';
import { settle, testContext } from './support';

const names = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => `hub-stress-${String(i + 1).padStart(4, '0')}`);

/** Creates the users in the fake hub, then starts all their servers through spawnAll. */
async function run(hub: FakeHub, argv: string[], count: number) {
  const ctx = testContext(hub, ['stress', ...argv]);
  const users = names(count);
  await settle(ctx.client.createUsers(users));
  const started = Date.now();
  const promise = spawnAll(ctx, users, new Progress(ctx.log, count));
  return { ctx, users, promise, started };
}

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  jest.useRealTimers();
});

describe('spawnAll, against a hub with a concurrent spawn limit', () => {
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
