/**
 * `npm run event -- down`: the order of the teardown, its refusals and its resume after a
 * failure, with a recording stand-in for cdktf (no provider can be downloaded here) and a
 * stand-in of the hub's REST API that has servers to stop.
 */
import { spawnSync } from 'child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { createServer, Server } from 'http';
import { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { PROJECT_ROOT } from '../../../lib/project-paths';
import { cdktf } from '../../../tools/event/cdktf';
import { ENVIRONMENTS } from '../../../config';
import { loadEnvironments } from '../../../config/load';
import { runDown, statePath } from '../../../tools/event/down';
import { status } from '../../../tools/event/status';
import { openStepLog } from '../../../tools/event/step-log';
import { lastUp, readUpRecord, recordUp, upRecordPath } from '../../../tools/event/up-record';

// Each case runs the CLI in a process of its own (tsx, the AWS SDK): seconds on a busy machine.
jest.setTimeout(60_000);

let dir: string;
let record: string;
let standIn: string;

/**
 * Appends its arguments to the record, one call a line; exits 1 on a call whose arguments
 * contain the text of the `fail-on` file beside it, when there is one.
 */
const standInScript = (folder: string) => `#!/bin/sh
echo "cdktf $*" >> '${folder}/calls.txt'
if [ -f '${folder}/fail-on' ]; then
  case "$*" in *"$(cat '${folder}/fail-on')"*) echo "Error: destroy failed" >&2; exit 1 ;; esac
fi
echo "Destroy complete"
`;
const failOn = (text: string) => writeFileSync(join(dir, 'fail-on'), text);

/** A hub with two users' servers running, which stop when asked. */
function standInHub(servers: Map<string, string[]>, calls: string[]): Promise<Server> {
  const server = createServer((req, res): void => {
    calls.push(`${req.method} ${req.url}`);
    if (req.headers.authorization !== 'token secret') {
      res.writeHead(403).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://hub');
    if (req.method === 'GET' && url.pathname === '/hub/api/users') {
      const users = [...servers].filter(([, s]) => s.length);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          users.map(([name, s]) => ({ name, servers: Object.fromEntries(s.map((n) => [n, {}])) })),
        ),
      );
      return;
    }
    const stop = url.pathname.match(/^\/hub\/api\/users\/([^/]+)\/(?:server|servers\/([^/]+))$/);
    if (req.method === 'DELETE' && stop) {
      const name = decodeURIComponent(stop[1]);
      const serverName = stop[2] ? decodeURIComponent(stop[2]) : '';
      servers.set(
        name,
        (servers.get(name) ?? []).filter((s) => s !== serverName),
      );
      res.writeHead(204).end();
      return;
    }
    res.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function event(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', join('tools', 'event', 'cli.ts'), ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, EVENT_DIR: dir, EVENT_CDKTF: standIn, ...env },
    encoding: 'utf8',
  });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'event-down-'));
  record = join(dir, 'calls.txt');
  standIn = join(dir, 'cdktf-stand-in');
  writeFileSync(standIn, standInScript(dir));
  chmodSync(standIn, 0o755);
  process.env.EVENT_DIR = dir;
});
afterEach(() => {
  delete process.env.EVENT_DIR;
  rmSync(dir, { recursive: true, force: true });
});

const calls = () => (existsSync(record) ? readFileSync(record, 'utf8').trim().split('\n') : []);

describe('down', () => {
  let hub: Server;
  let hubCalls: string[];
  let servers: Map<string, string[]>;
  let hubUrl: string;

  beforeEach(async () => {
    hubCalls = [];
    servers = new Map([
      ['ada', ['']],
      ['grace', ['', 'gpu']],
    ]);
    hub = await standInHub(servers, hubCalls);
    hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}/hub/api`;
  });
  afterEach(() => new Promise<void>((resolve) => hub.close(() => resolve())));

  function down(orphansLeft: number[] = [0]) {
    const log = openStepLog('hackweek', 'down', true);
    return runDown({
      environment: 'hackweek',
      stacks: { platform: 'hub-platform-hackweek', cluster: 'hub-cluster-hackweek' },
      noExport: true,
      hub: { url: hubUrl, token: 'secret' },
      cdktf: cdktf(log, [standIn]),
      orphanCheck: async () => {
        writeFileSync(record, 'orphan check\n', { flag: 'a' });
        return orphansLeft.shift() ?? 0;
      },
      log,
    });
  }

  // The event `up` started, which `status` counts the cost from until a down completes.
  const eventStart = new Date('2026-07-13T08:00:00Z');
  beforeEach(() => recordUp('hackweek', eventStart));

  it('stops every server, then destroys platform, then cluster, then checks for orphans', async () => {
    expect(await down()).toBe(0);
    expect(servers.get('grace')).toEqual([]);
    expect(hubCalls.filter((c) => c.startsWith('DELETE')).sort()).toEqual([
      'DELETE /hub/api/users/ada/server',
      'DELETE /hub/api/users/grace/server',
      'DELETE /hub/api/users/grace/servers/gpu',
    ]);
    expect(calls()).toEqual([
      'cdktf destroy hub-platform-hackweek --auto-approve',
      'cdktf destroy hub-cluster-hackweek --auto-approve',
      'orphan check',
    ]);
    expect(existsSync(statePath('hackweek'))).toBe(false);
    const log = readdirSync(dir).find((f) => f.startsWith('hackweek-down-'));
    expect(readFileSync(join(dir, log!), 'utf8')).toContain('Destroy complete');
    expect(lastUp('hackweek')).toBeUndefined();
    expect(readUpRecord('hackweek')).toEqual({
      environment: 'hackweek',
      upAt: eventStart.toISOString(),
      downAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('ends the event for status once complete: it says the environment is down, not when it started', async () => {
    const hackweek = loadEnvironments(ENVIRONMENTS).find((e) => e.name === 'hackweek')!;
    const lines: string[] = [];
    const statusNow = async () => {
      lines.length = 0;
      const file = openStepLog('hackweek', 'status', true);
      await status(hackweek, {
        hubUrl: 'http://127.0.0.1:9/hub/api',
        json: false,
        log: { ...file, say: (line) => lines.push(line) },
        now: new Date('2026-07-20T12:00:00Z'),
      });
    };
    const saved = { ...process.env };
    delete process.env.JUPYTERHUB_API_TOKEN; // no hub to ask: only the record speaks
    // Nor Cost Explorer: the actual cost is said to be unavailable, at once.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
    });
    try {
      // The environment still holds its leftovers: the event goes on.
      expect(await down([2])).toBe(1);
      await statusNow();
      expect(lines).toContainEqual(expect.stringMatching(/^cost since 2026-07-13 \(day 7\.2 of 5\)/));
      expect(lines.join('\n')).not.toContain('is down');

      expect(await down([0])).toBe(0);
      await statusNow();
      const downAt = readUpRecord('hackweek')!.downAt!;
      expect(lines[1]).toBe(
        `hackweek is down: down completed at ${downAt} (the event began at 2026-07-13T08:00:00.000Z)`,
      );
      expect(lines).toContain(
        `cost: not counted: the event ended when down completed at ${downAt}; pass --since YYYY-MM-DD to count from a date`,
      );
      expect(lines.join('\n')).not.toContain('cost since');
    } finally {
      process.env = saved;
    }
  });

  it('records a completed down even where up never ran', async () => {
    rmSync(upRecordPath('hackweek'));
    expect(await down()).toBe(0);
    expect(readUpRecord('hackweek')).toEqual({ environment: 'hackweek', downAt: expect.any(String) });
    expect(lastUp('hackweek')).toBeUndefined();
  });

  it('continues where it stopped after a failure', async () => {
    failOn('hub-cluster-hackweek');
    expect(await down()).toBe(1);
    expect(calls()).toEqual([
      'cdktf destroy hub-platform-hackweek --auto-approve',
      'cdktf destroy hub-cluster-hackweek --auto-approve',
    ]);
    expect(JSON.parse(readFileSync(statePath('hackweek'), 'utf8')).done).toEqual([
      'export',
      'stop-servers',
      'destroy-platform',
    ]);
    expect(lastUp('hackweek')).toEqual(eventStart); // not down yet: the event goes on
    const stopsBefore = hubCalls.filter((c) => c.startsWith('DELETE')).length;

    rmSync(join(dir, 'fail-on'));
    servers.set('ada', ['']); // were it asked again, it would stop this one
    expect(await down()).toBe(0);
    expect(hubCalls.filter((c) => c.startsWith('DELETE'))).toHaveLength(stopsBefore);
    expect(calls()).toEqual([
      'cdktf destroy hub-platform-hackweek --auto-approve',
      'cdktf destroy hub-cluster-hackweek --auto-approve',
      'cdktf destroy hub-cluster-hackweek --auto-approve',
      'orphan check',
    ]);
  });

  it('fails while orphans are left, and a rerun only checks again', async () => {
    expect(await down([2])).toBe(1);
    expect(await down([0])).toBe(0);
    expect(calls()).toEqual([
      'cdktf destroy hub-platform-hackweek --auto-approve',
      'cdktf destroy hub-cluster-hackweek --auto-approve',
      'orphan check',
      'orphan check',
    ]);
  });
});

describe('down refuses, before it runs anything', () => {
  const hubEnv = { JUPYTERHUB_API_URL: 'http://127.0.0.1:9/hub/api', JUPYTERHUB_API_TOKEN: 'secret' };

  it.each([
    [
      ['down', '--env', 'prod', '--no-export'],
      '--confirm: missing; destroying prod needs its name typed again',
    ],
    [['down', '--env', 'prod', '--no-export', '--confirm', 'staging'], '--confirm: "staging"'],
    [
      ['down', '--env', 'hackweek', '--no-export', '--confirm', 'prod'],
      "is not the environment's name hackweek",
    ],
    [['down', '--env', 'hackweek'], 'no export of hackweek has completed'],
  ])('%j', (args, message) => {
    const run = event([...args, '--json'], hubEnv);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(message);
    expect(JSON.parse(run.stdout).error).toContain(message);
    expect(calls()).toEqual([]);
    expect(existsSync(statePath(args[2]))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.log'))).toEqual([]);
  });

  it('without a hub to stop the servers on', () => {
    const run = event(['down', '--env', 'hackweek', '--no-export'], { JUPYTERHUB_API_URL: '' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--hub-url: missing');
    expect(calls()).toEqual([]);
  });

  it('prod, when confirmed, goes ahead in order (and fails on an unreachable hub)', () => {
    const run = event(['down', '--env', 'prod', '--no-export', '--confirm', 'prod'], hubEnv);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('stop-servers: failed');
    expect(calls()).toEqual([]);
    expect(JSON.parse(readFileSync(statePath('prod'), 'utf8')).done).toEqual(['export']);
  });
});
