/**
 * A real, throwaway JupyterHub on loopback for end-to-end tests: Debian's `jupyterhub`
 * package (JupyterHub 3), its configurable-http-proxy run as a separate process (as in
 * zero-to-jupyterhub, so a hub restart shows up as the proxy's 503s), a sqlite database and
 * config in a temp dir, single-user servers started as the current user by
 * SimpleLocalProcessSpawner, an admin service token and a read-only one. Ports are chosen
 * free at runtime.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface HubOptions {
  /** JupyterHub's concurrent_spawn_limit. @default 3 */
  readonly concurrentSpawnLimit?: number;
}

/** Users named `<SLOW_PREFIX>-...` get a server that takes this long to start. */
export const SLOW_PREFIX = 'e2e-slow';
const SLOW_SPAWN_S = 12;

export interface HubUserModel {
  readonly name: string;
  readonly last_activity: string | null;
  readonly servers?: Record<string, { readonly ready: boolean; readonly pending: string | null }>;
}

const INSTALL_HINT = 'install it with `bash .ci/e2e-hub.sh` (Debian package jupyterhub)';

/** Finds an executable on PATH or in /usr/bin (where Debian puts it). */
function findExecutable(name: string): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin'];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} not found on PATH; ${INSTALL_HINT}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Sends `signal`, then SIGKILL if the process is still there after `graceMs`. */
async function terminate(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited(child);
  clearTimeout(timer);
}

const py = (value: string): string => JSON.stringify(value);

export class TestHub {
  readonly token = randomBytes(24).toString('hex');
  /** A service token with only `list:users`: enough to log in, too little to run anything. */
  readonly readonlyToken = randomBytes(24).toString('hex');
  private hub: ChildProcess | undefined;
  private proxy: ChildProcess | undefined;

  private constructor(
    readonly dir: string,
    private readonly ports: { readonly proxy: number; readonly proxyApi: number; readonly hub: number },
    private readonly concurrentSpawnLimit: number,
  ) {}

  /** The hub API URL as users see it, through the proxy. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.ports.proxy}/hub/api`;
  }

  get logPath(): string {
    return join(this.dir, 'jupyterhub.log');
  }

  static async start(options: HubOptions = {}): Promise<TestHub> {
    const dir = mkdtempSync(join(tmpdir(), 'hub-e2e-'));
    const [proxy, proxyApi, hub] = [await freePort(), await freePort(), await freePort()];
    const testHub = new TestHub(dir, { proxy, proxyApi, hub }, options.concurrentSpawnLimit ?? 3);
    try {
      testHub.writeConfig();
      await testHub.startProxy();
      await testHub.startHub();
    } catch (err) {
      await testHub.stop();
      throw err;
    }
    return testHub;
  }

  private writeConfig(): void {
    const proxyToken = randomBytes(24).toString('hex');
    writeFileSync(join(this.dir, 'proxy-token'), proxyToken, { mode: 0o600 });
    mkdirSync(join(this.dir, 'homes'));
    const config = `# Throwaway loopback hub for hub-stress end-to-end tests. Not for any real use.
c = get_config()  # noqa
c.JupyterHub.bind_url = ${py(`http://127.0.0.1:${this.ports.proxy}`)}
c.JupyterHub.hub_bind_url = ${py(`http://127.0.0.1:${this.ports.hub}`)}
c.JupyterHub.db_url = ${py(`sqlite:///${join(this.dir, 'jupyterhub.sqlite')}`)}
c.JupyterHub.cookie_secret_file = ${py(join(this.dir, 'cookie_secret'))}
c.JupyterHub.pid_file = ${py(join(this.dir, 'jupyterhub.pid'))}
# The proxy runs on its own, so it keeps answering (503) while the hub restarts.
c.JupyterHub.proxy_class = 'jupyterhub.proxy.ConfigurableHTTPProxy'
c.ConfigurableHTTPProxy.should_start = False
c.ConfigurableHTTPProxy.api_url = ${py(`http://127.0.0.1:${this.ports.proxyApi}`)}
c.ConfigurableHTTPProxy.auth_token = ${py(proxyToken)}
# Any name logs in; single-user servers run as the current user with a home in the temp dir.
c.JupyterHub.authenticator_class = 'dummy'
c.JupyterHub.spawner_class = 'jupyterhub.spawner.SimpleLocalProcessSpawner'
c.SimpleLocalProcessSpawner.home_dir_template = ${py(join(this.dir, 'homes', '{username}'))}
c.Spawner.cmd = [${py(findExecutable('jupyterhub-singleuser'))}]
c.Spawner.args = ['--allow-root']
c.Spawner.ip = '127.0.0.1'
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120

# Servers of ${SLOW_PREFIX}-* users start slowly: longer than the hub's slow_spawn_timeout (10 s),
# so the spawn request answers 202 and the spawn stays pending in the hub for a while.
def slow_for_some(spawner):
    if spawner.user.name.startswith(${py(`${SLOW_PREFIX}-`)}) and spawner.cmd[0] != '/bin/sh':
        spawner.cmd = ['/bin/sh', '-c', 'sleep ${SLOW_SPAWN_S}; exec "$0" "$@"'] + list(spawner.cmd)
c.Spawner.pre_spawn_hook = slow_for_some

# Small on purpose, so that the tool meets real 429s (with the hub's real 30-60 s Retry-After).
c.JupyterHub.concurrent_spawn_limit = ${this.concurrentSpawnLimit}
c.JupyterHub.services = [
    {'name': 'hub-stress', 'api_token': ${py(this.token)}, 'admin': True},
    {'name': 'hub-stress-readonly', 'api_token': ${py(this.readonlyToken)}},
]
c.JupyterHub.load_roles = [
    {'name': 'hub-stress-readonly', 'scopes': ['list:users'], 'services': ['hub-stress-readonly']},
]
`;
    writeFileSync(join(this.dir, 'jupyterhub_config.py'), config);
  }

  private logFd(): number {
    return openSync(this.logPath, 'a');
  }

  private async startProxy(): Promise<void> {
    const fd = this.logFd();
    this.proxy = spawn(
      findExecutable('configurable-http-proxy'),
      [
        '--ip',
        '127.0.0.1',
        '--port',
        String(this.ports.proxy),
        '--api-ip',
        '127.0.0.1',
        '--api-port',
        String(this.ports.proxyApi),
        '--error-target',
        `http://127.0.0.1:${this.ports.hub}/hub/error`,
      ],
      {
        cwd: this.dir,
        stdio: ['ignore', fd, fd],
        // Debian's proxy finds its node modules there; this machine's node does not look by default.
        env: {
          ...process.env,
          NODE_PATH: ['/usr/share/nodejs', process.env.NODE_PATH].filter(Boolean).join(delimiter),
          CONFIGPROXY_AUTH_TOKEN: readFileSync(join(this.dir, 'proxy-token'), 'utf8'),
        },
      },
    );
    closeSync(fd);
    await this.waitFor(
      async () => (await fetch(`http://127.0.0.1:${this.ports.proxy}/`)).status > 0,
      'proxy',
      30_000,
    );
  }

  /** Starts the hub process (again) on the same database and waits until its API answers. */
  async startHub(): Promise<void> {
    const fd = this.logFd();
    this.hub = spawn(findExecutable('jupyterhub'), ['-f', join(this.dir, 'jupyterhub_config.py')], {
      cwd: this.dir,
      stdio: ['ignore', fd, fd],
      env: { ...process.env, CONFIGPROXY_AUTH_TOKEN: '' },
    });
    closeSync(fd);
    const hub = this.hub;
    await this.waitFor(
      async () => {
        if (hub.exitCode !== null)
          throw new Error(`jupyterhub exited with ${hub.exitCode}; see ${this.logPath}:\n${this.logTail()}`);
        return (await this.request('GET', '/')).status === 200;
      },
      'hub API',
      60_000,
    );
  }

  /** Kills the hub outright (no cleanup of servers), as a crash or OOM kill would. */
  async killHub(): Promise<void> {
    if (this.hub) await terminate(this.hub, 'SIGKILL', 0);
  }

  private async waitFor(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
      try {
        if (await check()) return;
      } catch (err) {
        last = err;
        if (err instanceof Error && err.message.startsWith('jupyterhub exited')) throw err;
      }
      await sleep(200);
    }
    throw new Error(`${what} not up within ${timeoutMs} ms (${String(last)}); log:\n${this.logTail()}`);
  }

  /** One call to the hub's REST API with the admin token. */
  async request(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const res = await fetch(this.apiUrl + path, {
      method,
      headers: { authorization: `token ${this.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (a proxy error page); keep the text
    }
    return { status: res.status, body: parsed };
  }

  /** Users whose names start with `<prefix>-`, straight from the hub. */
  async users(prefix: string): Promise<HubUserModel[]> {
    const res = await this.request('GET', `/users?name_filter=${encodeURIComponent(prefix)}&limit=1000`);
    if (res.status !== 200) throw new Error(`listing users: HTTP ${res.status}`);
    return (res.body as HubUserModel[]).filter((u) => u.name.startsWith(`${prefix}-`));
  }

  async readyServers(prefix: string): Promise<string[]> {
    return (await this.users(prefix)).filter((u) => u.servers?.['']?.ready === true).map((u) => u.name);
  }

  /** The hub's own count of successful spawns, from its Prometheus metrics. */
  async successfulSpawns(): Promise<number> {
    const res = await fetch(`http://127.0.0.1:${this.ports.proxy}/hub/metrics`, {
      headers: { authorization: `token ${this.token}` },
    });
    const text = await res.text();
    const match = /^jupyterhub_server_spawn_duration_seconds_count\{status="success"\} ([0-9.e+]+)$/m.exec(
      text,
    );
    return match ? Number(match[1]) : 0;
  }

  /** Users whose server the hub itself logged as started ("User x took 1.2 seconds to start"). */
  startedPerHubLog(prefix: string): Set<string> {
    const started = new Set<string>();
    const log = existsSync(this.logPath) ? readFileSync(this.logPath, 'utf8') : '';
    for (const match of log.matchAll(/User (\S+) took [0-9.]+ seconds to start/g)) {
      if (match[1].startsWith(`${prefix}-`)) started.add(match[1]);
    }
    return started;
  }

  /** Where the hub log ends now, to read only what a run adds with `logSince`. */
  logSize(): number {
    return existsSync(this.logPath) ? statSync(this.logPath).size : 0;
  }

  logSince(offset: number): string {
    return existsSync(this.logPath) ? readFileSync(this.logPath).subarray(offset).toString('utf8') : '';
  }

  /**
   * API requests that change users or servers, from the hub's own access log since
   * `offset`, as `POST /hub/api/users (hub-stress@127.0.0.1)`. Whoever sent them, and
   * whatever the hub answered.
   */
  writesSince(offset: number): string[] {
    const writes =
      /^\[[A-Z] [^\]]+ JupyterHub log:\d+\] \d{3} ((?:POST|PATCH|DELETE) \/hub\/api\/users\S* \(\S*\))/gm;
    return [...this.logSince(offset).matchAll(writes)].map((m) => m[1]);
  }

  /** 429s the hub itself logged since `offset` ("N pending spawns, throttling"). */
  throttlesSince(offset: number): number {
    return [...this.logSince(offset).matchAll(/pending spawns, throttling/g)].length;
  }

  logTail(lines = 40): string {
    if (!existsSync(this.logPath)) return '(no log)';
    return readFileSync(this.logPath, 'utf8').split('\n').slice(-lines).join('\n');
  }

  /** Stops hub and proxy, kills any single-user server left over, removes the temp dir. */
  async stop(): Promise<void> {
    // SIGTERM lets the hub stop its servers (cleanup_servers defaults to True).
    if (this.hub) await terminate(this.hub, 'SIGTERM', 30_000);
    if (this.proxy) await terminate(this.proxy, 'SIGTERM', 5_000);
    this.killStrays();
    if (!process.env.HUB_E2E_KEEP_DIR) rmSync(this.dir, { recursive: true, force: true });
  }

  /** Single-user servers orphaned by a killed hub still run in their homes under our temp dir. */
  private killStrays(): void {
    const homes = join(this.dir, 'homes');
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (readlinkSync(`/proc/${entry}/cwd`).startsWith(homes)) process.kill(Number(entry), 'SIGKILL');
      } catch {
        // gone already, or not ours to inspect
      }
    }
  }
}
