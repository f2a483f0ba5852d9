/**
 * `up`'s smoke test against a real JupyterHub 5.5 on loopback, with the token of a
 * service holding exactly the event-operator role the hub ships: the smoke-test user is
 * created, its server started, asked through the proxy and stopped, the user removed; a
 * leftover of an interrupted run is removed first; a failed or slow start and Ctrl-C still
 * leave nothing behind. What happened is read from the hub's own API and log.
 */
import {
  EVENT_OPERATOR_SCOPES,
  EVENT_OPERATOR_SERVICE,
  SMOKE_TEST_USER,
} from '../../../lib/jupyterhub/names';
import { runSmokeTest } from '../../../tools/event/smoke-test';
import { SLOW_PREFIX, TestHub } from '../support/jupyterhub';

let hub: TestHub;
let lines: string[];
const say = (line: string) => lines.push(line);

beforeAll(async () => {
  hub = await TestHub.start({
    services: [{ name: EVENT_OPERATOR_SERVICE, scopes: EVENT_OPERATOR_SCOPES }],
    // Servers of e2e-broken-* users fail to start.
    extraConfig: `
_slow = c.Spawner.pre_spawn_hook
def _broken_for_some(spawner):
    if spawner.user.name.startswith('e2e-broken-'):
        raise RuntimeError('this server is made to fail')
    return _slow(spawner)
c.Spawner.pre_spawn_hook = _broken_for_some
`,
  });
});
afterAll(async () => {
  await hub?.stop();
});
beforeEach(() => (lines = []));

const operator = () => ({ url: hub.apiUrl, token: hub.serviceToken(EVENT_OPERATOR_SERVICE) });
const userStatus = async (name: string) => (await hub.request('GET', `/users/${name}`)).status;

describe('the smoke test', () => {
  it("creates the user, starts, reaches and stops its server, and removes the user, with the operator's token", async () => {
    const offset = hub.logSize();
    const result = await runSmokeTest({ api: operator(), say, pollMs: 200 });
    expect(result).toMatchObject({ ok: true, remains: [] });
    expect(result.startSeconds).toBeGreaterThan(0);
    expect(await userStatus(SMOKE_TEST_USER)).toBe(404);
    await hub.logSettled();
    expect(hub.startedPerHubLog('hub-smoke')).toEqual(new Set([SMOKE_TEST_USER]));
    // (The server's own activity reports come in between, under its user's name.)
    expect(hub.writesSince(offset).filter((w) => w.includes(EVENT_OPERATOR_SERVICE))).toEqual([
      `POST /hub/api/users/${SMOKE_TEST_USER} (${EVENT_OPERATOR_SERVICE}@127.0.0.1)`,
      `POST /hub/api/users/${SMOKE_TEST_USER}/server (${EVENT_OPERATOR_SERVICE}@127.0.0.1)`,
      `DELETE /hub/api/users/${SMOKE_TEST_USER}/server (${EVENT_OPERATOR_SERVICE}@127.0.0.1)`,
      `DELETE /hub/api/users/${SMOKE_TEST_USER} (${EVENT_OPERATOR_SERVICE}@127.0.0.1)`,
    ]);
    // The server answered through the proxy, with the operator's token.
    expect(hub.logSince(offset)).toMatch(new RegExp(`/user/${SMOKE_TEST_USER}/api/status`));
    expect(lines).toContain(`smoke test: the server answers at /user/${SMOKE_TEST_USER}/api/status`);
  });

  it('removes a smoke-test user (and server) an interrupted run left, then passes', async () => {
    expect((await hub.request('POST', `/users/${SMOKE_TEST_USER}`)).status).toBe(201);
    expect([201, 202]).toContain((await hub.request('POST', `/users/${SMOKE_TEST_USER}/server`)).status);
    const result = await runSmokeTest({ api: operator(), say, pollMs: 200 });
    expect(result).toMatchObject({ ok: true, remains: [] });
    expect(lines[0]).toBe(`smoke test: removing the user ${SMOKE_TEST_USER} an earlier run left`);
    expect(await userStatus(SMOKE_TEST_USER)).toBe(404);
  });

  it("may not touch any other user with the operator's token", async () => {
    const result = await runSmokeTest({ api: operator(), user: 'e2e-someone', say, pollMs: 200 });
    expect(result.ok).toBe(false);
    // JupyterHub answers 404 to what a token may not see, not 403.
    expect(result.error).toMatch(/^POST \/users\/e2e-someone answered 404: .*No access to resources/);
    expect(await userStatus('e2e-someone')).toBe(404);
  });

  it('fails when the server fails to start, and removes the user', async () => {
    const api = { url: hub.apiUrl, token: hub.token };
    const result = await runSmokeTest({ api, user: 'e2e-broken-smoke', say, pollMs: 200 });
    expect(result.ok).toBe(false);
    // The spawn fails within the hub's slow_spawn_timeout, so the start request itself says so.
    expect(result.error).toMatch(/^POST \/users\/e2e-broken-smoke\/server answered 500/);
    expect(result.remains).toEqual([]);
    expect(await userStatus('e2e-broken-smoke')).toBe(404);
  });

  it('gives up on a server slower than its bound, interrupts the start and removes the user', async () => {
    const api = { url: hub.apiUrl, token: hub.token };
    const user = `${SLOW_PREFIX}-smoke`;
    const result = await runSmokeTest({ api, user, say, pollMs: 200, startTimeoutMs: 2_000 });
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(new RegExp(`^the server of ${user} is not ready after \\d+ s$`));
    expect(result.remains).toEqual([]);
    expect(await userStatus(user)).toBe(404);
  });

  it('on Ctrl-C stops waiting, cleans up and says so', async () => {
    const api = { url: hub.apiUrl, token: hub.token };
    const user = `${SLOW_PREFIX}-smoke-interrupted`;
    const interrupt = new AbortController();
    const running = runSmokeTest({ api, user, say, pollMs: 200, signal: interrupt.signal });
    // Interrupted while the (slow) server is starting.
    const deadline = Date.now() + 60_000;
    while (!lines.some((l) => l.startsWith('smoke test: server spawn')) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(
      lines.filter((l) => /^smoke test: server spawn, \d+ s of at most 900 s$/.test(l)).length,
    ).toBeGreaterThan(0);
    interrupt.abort();
    const result = await running;
    expect(result).toMatchObject({ ok: false, error: 'interrupted (Ctrl-C)', remains: [] });
    expect(lines).toContain(`smoke test: cleaning up: stopping the server of ${user} and removing the user`);
    expect(await userStatus(user)).toBe(404);
  });
});
