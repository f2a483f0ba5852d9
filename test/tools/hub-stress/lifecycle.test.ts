import { HubResult } from '../../../tools/hub-stress/hub-client';
import { isAlreadyStopping, sawOutage, serverState } from '../../../tools/hub-stress/lifecycle';

const result = (status: number, message: string, retried: string[] = []): HubResult => ({
  ok: true,
  status,
  body: {},
  message,
  retryAfterMs: undefined,
  retried,
});

describe('serverState', () => {
  it('reads the default server from a JupyterHub 3 user model', () => {
    expect(serverState({ name: 'u', servers: { '': { ready: true, pending: null } } })).toBe('ready');
    expect(serverState({ name: 'u', servers: { '': { ready: false, pending: 'spawn' } } })).toBe('spawning');
    expect(serverState({ name: 'u', servers: { '': { ready: false, pending: 'stop' } } })).toBe('stopping');
    expect(serverState({ name: 'u', servers: {} })).toBe('stopped');
    expect(serverState(null)).toBe('gone');
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
