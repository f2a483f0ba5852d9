/**
 * Night mode and per-profile idle timeouts against the real JupyterHub 5.5, its real
 * single-user servers (jupyter-server) and the real jupyterhub-idle-culler, all from the
 * hub's Python environment, wired by the same hook modules the chart ships
 * (values/jupyterhub/files/night_mode.py and profile_idle.py). Run with
 * `bash .ci/e2e-hub.sh test/e2e/capacity-schedule`.
 *
 * The night is set around the current time (UTC), so the suite needs no fake clock: the
 * hub is started with a night that has begun, or one that begins within the announcement
 * lead time.
 */
import { readFileSync } from 'node:fs';
import { HOOKS_DIR } from '../../../lib/jupyterhub/hub-hooks';
import { HubUserModel, TestHub } from '../support/jupyterhub';
import { venvBin } from '../../support/tools';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** 'HH:MM' in UTC, `minutes` from now. */
function clockIn(minutes: number): string {
  const at = new Date(Date.now() + minutes * 60_000);
  return `${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}`;
}

const OPT_OUT = 'night-owls';

function nightSettings(start: string, end: string, idleSeconds: number) {
  return {
    timeZone: 'UTC',
    start,
    end,
    idleSeconds,
    optOutGroup: OPT_OUT,
    announceMinutesBefore: 60,
    checkIntervalSeconds: 2,
    createOptOutGroup: true,
  };
}

/** A Python expression for a JSON value (the fixture's config imports json). */
const pythonValue = (value: unknown): string => `json.loads(${JSON.stringify(JSON.stringify(value))})`;

/** Hub config lines: the hooks folder importable, servers polled and reporting activity often. */
function hooksConfig(lines: string[]): string {
  return [
    'import sys',
    `sys.path.insert(0, ${JSON.stringify(HOOKS_DIR)})`,
    // The hub notices a server that stopped by itself within seconds, not its default 30 s.
    'c.Spawner.poll_interval = 2',
    ...lines,
  ].join('\n');
}

async function startServer(hub: TestHub, name: string, options: Record<string, unknown> = {}): Promise<void> {
  expect([201, 409]).toContain((await hub.request('POST', `/users/${name}`)).status);
  const res = await hub.request('POST', `/users/${name}/server`, options);
  expect([201, 202]).toContain(res.status);
  await until(
    async () => (await user(hub, name)).servers?.['']?.ready === true,
    `${name}'s server ready`,
    120_000,
  );
}

async function user(hub: TestHub, name: string): Promise<HubUserModel> {
  const res = await hub.request('GET', `/users/${name}`);
  if (res.status !== 200) throw new Error(`GET /users/${name}: HTTP ${res.status}`);
  return res.body as HubUserModel;
}

const running = async (hub: TestHub, name: string) => (await user(hub, name)).servers?.['']?.ready === true;

async function until(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(1000);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

/** What the hub's activity API records for a server that is in use (what jupyterhub-singleuser reports). */
async function reportActivity(hub: TestHub, name: string): Promise<void> {
  const now = new Date().toISOString();
  const res = await hub.request('POST', `/users/${name}/activity`, {
    last_activity: now,
    servers: { '': { last_activity: now } },
  });
  if (res.status !== 200 && res.status !== 204)
    throw new Error(`POST /users/${name}/activity: HTTP ${res.status}`);
}

describe('night mode during the night', () => {
  const IDLE_S = 15;
  let hub: TestHub;

  beforeAll(async () => {
    hub = await TestHub.start({
      concurrentSpawnLimit: 5,
      extraConfig: hooksConfig([
        'import night_mode',
        `night_mode.configure(c, ${pythonValue(nightSettings(clockIn(-2), clockIn(120), IDLE_S))})`,
      ]),
    });
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('stops the idle server, and keeps the opted-out one and the active one', async () => {
    // The hub created the opt-out group (a login without groups); an admin adds the owl.
    expect((await hub.request('GET', `/groups/${OPT_OUT}`)).status).toBe(200);
    await hub.request('POST', '/users/owl');
    expect((await hub.request('POST', `/groups/${OPT_OUT}/users`, { users: ['owl'] })).status).toBe(200);

    await startServer(hub, 'busy');
    let keepBusy = true;
    const busy = (async () => {
      while (keepBusy) {
        await reportActivity(hub, 'busy');
        await sleep(2000);
      }
    })();
    try {
      await startServer(hub, 'owl');
      await startServer(hub, 'sleepy');
      const res = await hub.request('GET', '/users/sleepy');
      const model = res.body as { servers: Record<string, { last_activity: string }> };
      const lastActivity = Date.parse(model.servers[''].last_activity);
      await until(async () => !(await running(hub, 'sleepy')), 'night mode stops the idle server', 120_000);
      // Not before it had been idle the threshold, by the hub's own record of its activity.
      expect(Date.now() - lastActivity).toBeGreaterThanOrEqual(IDLE_S * 1000);
      // The owl is idle as long as the sleeper was; a few more sweeps leave both others running.
      await sleep(3 * 2000 + IDLE_S * 1000);
      expect(await running(hub, 'owl')).toBe(true);
      expect(await running(hub, 'busy')).toBe(true);
    } finally {
      keepBusy = false;
      await busy;
    }
    const log = readFileSync(hub.logPath, 'utf8');
    expect(log).toMatch(/night mode stopped the idle server '' of sleepy/);
    expect(log).not.toMatch(/night mode stopped the idle server '' of (owl|busy)/);
  });

  it('keeps the announcement on the hub pages through the night, saying files are safe', async () => {
    const page = await (await fetch(`${hub.hubUrl}/hub/login`)).text();
    expect(page).toMatch(
      /class="[^"]*announcement[^"]*"[^>]*>\s*Night mode: from \d\d:\d\d until \d\d:\d\d \(UTC\)/,
    );
    expect(page).toContain('Your files are safe');
    expect(page).toContain(`<code>${OPT_OUT}</code>`);
  });
});

describe('night mode before the night', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await TestHub.start({
      extraConfig: hooksConfig([
        'import night_mode',
        // The night begins in 30 minutes; the announcement leads it by 60.
        `night_mode.configure(c, ${pythonValue(nightSettings(clockIn(30), clockIn(240), 5))})`,
      ]),
    });
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('announces the night on the hub pages beforehand, and stops nothing yet', async () => {
    await startServer(hub, 'early');
    const page = await (await fetch(`${hub.hubUrl}/hub/login`)).text();
    expect(page).toMatch(/announcement[^>]*>\s*Night mode: from \d\d:\d\d until/);
    expect(page).toContain('Your files are safe');
    // Idle well past the 5 s threshold through several 2 s sweeps: still running, it is not night yet.
    await sleep(15_000);
    expect(await running(hub, 'early')).toBe(true);
    expect(readFileSync(hub.logPath, 'utf8')).toMatch(/night mode from \d\d:\d\d to \d\d:\d\d \(UTC\)/);
  });
});

describe('per-profile idle timeouts beside the idle culler', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await TestHub.start({
      services: [
        {
          name: 'idle-culler',
          // The chart's culler role.
          scopes: ['list:users', 'read:users:activity', 'read:servers', 'delete:servers'],
          extra: {
            command: [venvBin('python'), '-m', 'jupyterhub_idle_culler', '--timeout=600', '--cull-every=5'],
          },
        },
      ],
      extraConfig: hooksConfig([
        'import profile_idle',
        // The GPU profile stops after 10 s idle; the CPU profile has no timeout of its own.
        `profile_idle.configure(c, ${pythonValue({ idleTimeouts: { gpu: 10 }, defaultProfile: 'cpu' })}, section='Spawner')`,
      ]),
    });
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it("stops the GPU profile's idle server first and leaves the CPU one", async () => {
    await startServer(hub, 'gpu-user', { profile: 'gpu' });
    await startServer(hub, 'cpu-user', { profile: 'cpu' });
    // jupyter-server checks for inactivity once a minute.
    await until(async () => !(await running(hub, 'gpu-user')), 'the GPU server stops itself', 150_000);
    expect(await running(hub, 'cpu-user')).toBe(true);
    const log = readFileSync(hub.logPath, 'utf8');
    // The culler was running all along (it lists servers every 5 s) and left both to the hub-wide 600 s.
    expect(log).toMatch(/GET \/hub\/api\/users\?state=\S* \(idle-culler@/);
    expect(log).not.toMatch(/Culling server/);
    expect(log).toMatch(/No kernels for \d+ seconds; shutting down/);
  });
});
