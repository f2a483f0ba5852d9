/**
 * The loopback hub fixture itself, against JupyterHub 5.5: what other suites build on
 * (services with roles, extra config, restarts, the spawn limit) and the hub behaviour
 * they rely on (metrics need `read:metrics`, a throttled spawn answers 429 with
 * Retry-After from spawn_throttle_retry_range). Run with `bash .ci/e2e-hub.sh`.
 */
import { TestHub } from '../support/jupyterhub';

let hub: TestHub;

beforeAll(async () => {
  hub = await TestHub.start({
    concurrentSpawnLimit: 1,
    services: [
      { name: 'prometheus', scopes: ['read:metrics'] },
      { name: 'watcher', scopes: ['list:users', 'read:users:activity'] },
    ],
    extraConfig:
      "c.JupyterHub.load_groups = {'e2e-fixture-group': {'users': [], 'properties': {'from': 'extraConfig'}}}",
  });
});

afterAll(async () => {
  await hub?.stop();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('the hub the fixture starts', () => {
  it('is JupyterHub 5.5', async () => {
    const res = await hub.request('GET', '/');
    expect(res.status).toBe(200);
    expect((res.body as { version: string }).version).toBe('5.5.0');
  });

  it('lets a service whose role grants read:metrics scrape /hub/metrics, and nobody without it', async () => {
    const scrape = await hub.metrics(hub.serviceToken('prometheus'));
    expect(scrape.status).toBe(200);
    expect(scrape.text).toMatch(/^jupyterhub_total_users \d+/m);
    expect((await hub.metrics(hub.readonlyToken)).status).toBe(403);
    expect((await hub.metrics(hub.serviceToken('watcher'))).status).toBe(403);
    const anonymous = await fetch(hub.metricsUrl);
    expect(anonymous.status).toBe(403);
  });

  it('loads the extra configuration a suite passes', async () => {
    const group = await hub.request('GET', '/groups/e2e-fixture-group');
    expect(group.status).toBe(200);
    expect(group.body).toMatchObject({ name: 'e2e-fixture-group', properties: { from: 'extraConfig' } });
  });

  it('gives each service the scopes of its role, and no more', async () => {
    const who = await hub.request('GET', '/user', undefined, hub.serviceToken('watcher'));
    expect(who.status).toBe(200);
    expect(who.body).toMatchObject({ kind: 'service', name: 'watcher' });
    expect([...(who.body as { scopes: string[] }).scopes].sort()).toEqual([
      'list:users',
      'read:users:activity',
      // implied by list:users
      'read:users:name',
    ]);
    const denied = await hub.request(
      'POST',
      '/users/e2e-fixture-denied',
      undefined,
      hub.serviceToken('watcher'),
    );
    expect(denied.status).toBe(403);
  });

  it('answers a spawn over the limit with 429 and a Retry-After of 30 to 60 seconds', async () => {
    expect((await hub.request('POST', '/users/e2e-fixture-a')).status).toBe(201);
    expect((await hub.request('POST', '/users/e2e-fixture-b')).status).toBe(201);
    const first = hub.request('POST', '/users/e2e-fixture-a/server');
    // The first spawn is pending in the hub as soon as the request has been taken.
    let second = await hub.request('POST', '/users/e2e-fixture-b/server');
    for (let i = 0; i < 50 && second.status !== 429; i++) {
      await sleep(100);
      second = await hub.request('POST', '/users/e2e-fixture-b/server');
    }
    expect(second.status).toBe(429);
    // spawn_throttle_retry_range, (30, 60): not a configurable trait in JupyterHub 5.5.
    const retryAfter = Number(second.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(30);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect([201, 202]).toContain((await first).status);
  });

  it('restarts on the same database: users and running servers survive a killed hub', async () => {
    for (let i = 0; i < 600 && (await hub.readyServers('e2e-fixture')).length < 1; i++) await sleep(100);
    expect(await hub.readyServers('e2e-fixture')).toEqual(['e2e-fixture-a']);
    await hub.restart();
    expect(await hub.readyServers('e2e-fixture')).toEqual(['e2e-fixture-a']);
    // The server itself answers through the proxy after the restart.
    const status = await hub.request('GET', '/users/e2e-fixture-a');
    expect(status.status).toBe(200);
    for (const name of ['e2e-fixture-a', 'e2e-fixture-b']) {
      await hub.request('DELETE', `/users/${name}/server`);
    }
    for (let i = 0; i < 300 && (await hub.users('e2e-fixture')).some((u) => u.servers?.['']); i++)
      await sleep(100);
    for (const name of ['e2e-fixture-a', 'e2e-fixture-b']) {
      expect((await hub.request('DELETE', `/users/${name}`)).status).toBe(204);
    }
    expect(await hub.users('e2e-fixture')).toEqual([]);
  });
});
