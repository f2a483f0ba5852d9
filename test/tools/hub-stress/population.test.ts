import { HttpResponse, Transport } from '../../../tools/hub-stress/http';
import { Logger } from '../../../tools/hub-stress/log';
import { createUsers, removeUsers } from '../../../tools/hub-stress/population';
import { Tally } from '../../../tools/hub-stress/stats';
import { FakeHub } from './fake-hub';
import { answer, settle, testContext } from './support';

const names = ['hub-stress-0001', 'hub-stress-0002', 'hub-stress-0003'];

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  jest.useRealTimers();
});

describe('createUsers', () => {
  it('counts only the users the hub says it created, and leaves the others out of cleanup', async () => {
    const hub = new FakeHub();
    // Someone else made hub-stress-0002 between our listing and our request.
    hub.users.set('hub-stress-0002', { name: 'hub-stress-0002', running: true, lastActivity: null });
    const ctx = testContext(hub, ['stress']);
    const failures = new Tally();
    expect(await settle(createUsers(ctx, names, failures))).toEqual(['hub-stress-0001', 'hub-stress-0003']);
    expect([...ctx.ledger].sort()).toEqual(['hub-stress-0001', 'hub-stress-0003']);
    expect(failures.toJSON()).toEqual({ 'create:exists': 1 });
    expect(ctx.lines).toContain('hub-stress-0002 (1 user) existed already; left alone');
  });

  it('keeps names the hub skipped after a retry: the attempt whose answer was lost made them', async () => {
    const hub = new FakeHub();
    let lost = false;
    // The first POST /users goes through, but the proxy answers 503 instead of the hub.
    const flaky: Transport = {
      async request(method, url, headers, body, timeoutMs): Promise<HttpResponse> {
        const res = await hub.request(method, url, headers, body, timeoutMs);
        if (method !== 'POST' || lost) return res;
        lost = true;
        return answer(503, { message: 'Service Unavailable' });
      },
      close() {},
    };
    const ctx = testContext(flaky, ['stress']);
    const failures = new Tally();
    expect(await settle(createUsers(ctx, names, failures))).toEqual(names);
    expect([...ctx.ledger].sort()).toEqual(names);
    expect(failures.toJSON()).toEqual({});
  });

  it('keeps every name of a chunk whose request failed in the ledger, in case the hub made some', async () => {
    const hub = new FakeHub();
    hub.intercept = () => answer(500, { message: 'database is locked' });
    const ctx = testContext(hub, ['stress']);
    const failures = new Tally();
    expect(await settle(createUsers(ctx, names, failures))).toEqual([]);
    expect([...ctx.ledger].sort()).toEqual(names);
    expect(failures.toJSON()).toEqual({ 'create:http-500': 3 });
  });
});

describe('removeUsers', () => {
  it('shows its progress on a terminal, and leaves the last state on screen', async () => {
    const hub = new FakeHub({ stopMs: 1_500 });
    const ctx = testContext(hub, ['purge', '--batch-size', '2']);
    await settle(ctx.client.createUsers(names));
    await settle(Promise.all(names.map((name) => ctx.client.startServer(name, undefined))));
    const written: string[] = [];
    const tty = new Logger({ verbose: false, tty: true, secrets: [], write: (t) => written.push(t) });
    const result = await settle(removeUsers({ ...ctx, log: tty }, names));
    expect(result.removed).toBe(3);
    const lines = written.filter((t) => t.startsWith('\r\x1b[K')).map((t) => t.slice(4));
    expect(lines[0]).toMatch(/^removing: 0\/3 {2}failed 0 {2}0\.5 s$/);
    expect(lines[lines.length - 1]).toMatch(/^removing: 3\/3 {2}failed 0 {2}\d+\.\d s$/);
    expect(written[written.length - 1]).toBe('\n');
  });

  it('draws nothing off a terminal', async () => {
    const hub = new FakeHub();
    const ctx = testContext(hub, ['purge']);
    await settle(ctx.client.createUsers(names));
    await settle(removeUsers(ctx, names));
    expect(ctx.lines.filter((line) => line.includes('\r'))).toEqual([]);
    expect(ctx.lines.join('\n')).not.toContain('removing');
  });
});
