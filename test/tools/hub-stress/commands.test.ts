import { activity } from '../../../tools/hub-stress/commands/activity';
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
