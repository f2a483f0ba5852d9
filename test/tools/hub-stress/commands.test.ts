import { activity } from '../../../tools/hub-stress/commands/activity';
import { stress } from '../../../tools/hub-stress/commands/stress';
import { exitCode } from '../../../tools/hub-stress/report';
import { FakeHub } from './fake-hub';
import { answer, settle, testContext } from './support';

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  jest.useRealTimers();
});

describe('activity', () => {
  it('reports an interrupted run (exit 130) when Ctrl-C comes during the idle probes', async () => {
    const hub = new FakeHub();
    const ctx = testContext(hub, ['activity', '--count', '3', '--duration', '5']);
    // The first idle probe meets a restarting hub; Ctrl-C arrives while it waits to retry.
    hub.intercept = (method, path) => {
      if (ctx.signal.aborted || method !== 'GET' || !/^\/users\/hub-stress-\d+$/.test(path)) return undefined;
      ctx.controller.abort();
      return answer(503, { message: 'Service Unavailable' });
    };
    const report = await settle(activity(ctx));
    expect(report).toMatchObject({ interrupted: true, usersCreated: 3 });
    expect(report.cleanup).toEqual({ removed: 3, remaining: 0, failures: {} });
    expect(exitCode(report)).toBe(130);
    expect(hub.users.size).toBe(0);
  });
});

describe('a first Ctrl-C during the cleanup of a finished run', () => {
  it('does not mark a completed stress run as interrupted, and cleanup still finishes', async () => {
    const hub = new FakeHub({ stopMs: 2_000 });
    const ctx = testContext(hub, ['stress', '--count', '4', '--batch-size', '4']);
    hub.intercept = (method, path) => {
      if (method === 'DELETE' && path.endsWith('/server')) ctx.controller.abort();
      return undefined;
    };
    const report = await settle(stress(ctx));
    expect(ctx.signal.aborted).toBe(true);
    expect(report).toMatchObject({ interrupted: false, serversReady: 4 });
    expect(report.cleanup).toEqual({ removed: 4, remaining: 0, failures: {} });
    expect(exitCode(report)).toBe(0);
  });

  it('does not mark a completed activity run as interrupted', async () => {
    const hub = new FakeHub();
    const ctx = testContext(hub, ['activity', '--count', '3', '--duration', '2', '--workers', '2']);
    hub.intercept = (method, path) => {
      if (method === 'DELETE' && /^\/users\/[^/]+$/.test(path)) ctx.controller.abort();
      return undefined;
    };
    const report = await settle(activity(ctx));
    expect(report).toMatchObject({ interrupted: false, usersCreated: 3 });
    expect(report.activity?.updates).toBeGreaterThan(0);
    expect(exitCode(report)).toBe(0);
  });
});

describe('stress --dry-run', () => {
  it.each([
    [['--batch-size', '10', '--spawn-limit', '3'], "at most 3 (the hub's spawn limit) pending"],
    [['--batch-size', '4', '--spawn-limit', '30'], 'at most 4 pending'],
    [['--batch-size', '6'], 'at most 6 pending'],
  ])('with %j says how many spawns it keeps pending, and sends no spawn', async (argv, text) => {
    const hub = new FakeHub();
    const ctx = testContext(hub, ['stress', '--count', '5', '--dry-run', ...argv]);
    const report = await settle(stress(ctx));
    expect(report.plan).toContain(text);
    expect(hub.requests.filter((r) => r.startsWith('POST'))).toEqual([]);
  });
});
