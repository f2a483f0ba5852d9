import { HubClient, HubResult } from '../../../tools/hub-stress/hub-client';
import {
  isAlreadyStopping,
  removeUser,
  sawOutage,
  serverState,
  spawnServer,
} from '../../../tools/hub-stress/lifecycle';
import { answer, quiet, scripted, settle } from './support';

const result = (status: number, message: string, retried: string[] = []): HubResult => ({
  ok: true,
  status,
  body: {},
  message,
  retryAfterMs: undefined,
  retried,
});

describe('serverState', () => {
  it('reads the default server from a JupyterHub user model', () => {
    expect(serverState({ name: 'u', servers: { '': { ready: true, pending: null } } })).toBe('ready');
    expect(serverState({ name: 'u', servers: { '': { ready: false, pending: 'spawn' } } })).toBe('spawning');
    expect(serverState({ name: 'u', servers: { '': { ready: false, pending: 'stop' } } })).toBe('stopping');
    expect(serverState({ name: 'u', servers: {} })).toBe('stopped');
    expect(serverState(null)).toBe('gone');
  });

  it('sees a restarted hub checking a server that survived', () => {
    expect(serverState({ name: 'u', servers: { '': { ready: false, pending: 'check' } } })).toBe('checking');
  });

  it('falls back to the user-level pending field', () => {
    expect(serverState({ name: 'u', pending: 'spawn' })).toBe('spawning');
  });
});

describe('isAlreadyStopping', () => {
  it('treats the 400s JupyterHub sends for a server on its way down as stopping', () => {
    expect(
      isAlreadyStopping(result(400, "hub-stress-0001's server is in the process of stopping, please wait.")),
    ).toBe(true);
    expect(isAlreadyStopping(result(400, 'hub-stress-0001 is pending stop'))).toBe(true);
  });

  it('does not mistake other 400s for it', () => {
    expect(isAlreadyStopping(result(400, 'hub-stress-0001 is pending spawn, please wait'))).toBe(false);
    expect(isAlreadyStopping(result(202, 'stopping'))).toBe(false);
  });
});

describe('sawOutage', () => {
  it('is true only for retries other than the spawn throttle', () => {
    expect(sawOutage(result(201, '', ['503']))).toBe(true);
    expect(sawOutage(result(201, '', ['ECONNREFUSED']))).toBe(true);
    expect(sawOutage(result(201, '', []))).toBe(false);
  });
});

describe('removeUser', () => {
  const stopped = { name: 'hub-stress-0001', servers: {} };
  const client = (steps: Parameters<typeof scripted>[0]) => {
    const transport = scripted(steps);
    return { transport, client: new HubClient('http://hub/hub/api', 'tok', transport, quiet) };
  };
  const calls = (transport: ReturnType<typeof scripted>) =>
    transport.calls.map((c) => `${c.method} ${new URL(c.url).pathname.replace('/hub/api', '')}`);

  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('waits for a server the hub says is already stopping, then deletes the user', async () => {
    const { transport, client: hub } = client([
      answer(400, { message: "hub-stress-0001's server is in the process of stopping, please wait." }),
      answer(200, stopped),
      answer(204),
    ]);
    expect(await settle(removeUser(hub, 'hub-stress-0001', 60_000))).toEqual({ removed: true });
    expect(calls(transport)).toEqual([
      'DELETE /users/hub-stress-0001/server',
      'GET /users/hub-stress-0001',
      'DELETE /users/hub-stress-0001',
    ]);
  });

  it('goes round again when the delete races with a stop still settling', async () => {
    const stopping = "hub-stress-0001's server is in the process of stopping, please wait.";
    const { transport, client: hub } = client([
      answer(202),
      answer(200, stopped),
      answer(400, { message: stopping }),
      answer(202),
      answer(200, stopped),
      answer(204),
    ]);
    expect(await settle(removeUser(hub, 'hub-stress-0001', 60_000))).toEqual({ removed: true });
    expect(calls(transport)).toHaveLength(6);
  });

  it('waits out a pending spawn, then stops the server it became', async () => {
    const { transport, client: hub } = client([
      answer(400, { message: 'hub-stress-0001 is pending spawn, please wait' }),
      answer(200, { name: 'hub-stress-0001', servers: { '': { ready: false, pending: 'spawn' } } }),
      answer(200, { name: 'hub-stress-0001', servers: { '': { ready: true, pending: null } } }),
      answer(204),
      answer(200, stopped),
      answer(204),
    ]);
    expect(await settle(removeUser(hub, 'hub-stress-0001', 60_000))).toEqual({ removed: true });
    expect(calls(transport)[3]).toBe('DELETE /users/hub-stress-0001/server');
  });

  it('counts a user that is gone already as removed, which makes purge idempotent', async () => {
    const { client: hub } = client([answer(404, { message: 'Not Found' })]);
    expect(await settle(removeUser(hub, 'hub-stress-0001', 60_000))).toEqual({ removed: true });
  });

  it('reports a stop the hub refuses for another reason, naming it', async () => {
    const { client: hub } = client([answer(403, { message: 'Action is not authorized' })]);
    expect(await settle(removeUser(hub, 'hub-stress-0001', 60_000))).toEqual({
      removed: false,
      reason: 'stop: HTTP 403 (Action is not authorized)',
    });
  });
});

describe('spawnServer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());
  const events = { onOutage: () => undefined, onAccepted: () => undefined };

  it('waits while a restarted hub checks a server that survived, then finds it running', async () => {
    const server = (ready: boolean, pending: string | null) => ({
      name: 'u',
      servers: { '': { ready, pending } },
    });
    const transport = scripted([
      answer(400, { message: 'hub-stress-0001 is pending check' }),
      answer(200, server(false, 'check')),
      answer(200, server(true, null)),
      answer(400, { message: 'hub-stress-0001 is already running' }),
    ]);
    const hub = new HubClient('http://hub/hub/api', 'tok', transport, quiet);
    expect(await settle(spawnServer(hub, 'hub-stress-0001', { timeoutMs: 60_000 }, events))).toEqual({
      kind: 'ready',
    });
  });

  it('waits out a check that comes while it waits for the spawn', async () => {
    const server = (ready: boolean, pending: string | null) => ({
      name: 'u',
      servers: { '': { ready, pending } },
    });
    const transport = scripted([
      answer(202),
      answer(200, server(false, 'spawn')),
      answer(503, { message: 'Service Unavailable' }),
      answer(200, server(false, 'check')),
      answer(200, server(true, null)),
    ]);
    const hub = new HubClient('http://hub/hub/api', 'tok', transport, quiet);
    expect(await settle(spawnServer(hub, 'hub-stress-0001', { timeoutMs: 60_000 }, events))).toEqual({
      kind: 'ready',
    });
  });
});
