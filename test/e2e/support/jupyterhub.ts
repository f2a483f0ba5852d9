/**
 * A real, throwaway JupyterHub on loopback for end-to-end tests: JupyterHub 5.5 from the
 * hub's Python environment (the version the zero-to-jupyterhub 4.4.0 hub image runs, see
 * python/requirements.txt), configurable-http-proxy from node_modules run as a separate
 * process (as in zero-to-jupyterhub, so a hub restart shows up as the proxy's 503s), a
 * sqlite database and config in a temp dir, single-user servers (jupyter-server's
 * `jupyterhub-singleuser` from the same environment) started as the current user by
 * SimpleLocalProcessSpawner, an admin service token and a read-only one. Ports are chosen
 * free at runtime.
 *
 * Suites add what they need: services with roles (a Prometheus scraper with `read:metrics`,
 * a hub-managed idle culler), extra `jupyterhub_config.py` lines, the concurrent spawn
 * limit. See docs/testing.md.
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
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, venvBin } from '../../support/tools';
import { freePort } from '../../support/free-port';

/**
 * A JupyterHub service the fixture registers. The fixture gives it an API token
 * (`TestHub.serviceToken(name)`); `scopes` become a role of its own.
 */
export interface HubServiceOptions {
  /** The service name (also what the hub's access log shows for its requests). */
  readonly name: string;
  /** Scopes of a role made for this service alone, e.g. `['read:metrics']`. @default none */
  readonly scopes?: readonly string[];
  /** Existing roles the service is added to, e.g. `['admin']`. @default none */
  readonly roles?: readonly string[];
  /**
   * More keys of the service's entry in `c.JupyterHub.services`, passed through as JSON
   * (`command`, `url`, `environment`, `oauth_no_confirm`, ...). A `command` makes it a
   * hub-managed service: the hub starts it with `JUPYTERHUB_API_TOKEN` and
   * `JUPYTERHUB_API_URL` in its environment.
   * @default none
   */
  readonly extra?: Readonly<Record<string, unknown>>;
}

export interface HubOptions {
  /** JupyterHub's concurrent_spawn_limit. @default 3 */
  readonly concurrentSpawnLimit?: number;
  /** Name of the service whose token is `TestHub.token` (the admin role). @default 'e2e-admin' */
  readonly adminService?: string;
  /**
   * Name of the service whose token is `TestHub.readonlyToken` (`list:users` only: enough
   * to be taken, too little to run anything). @default 'e2e-readonly'
   */
  readonly readonlyService?: string;
  /** Further services, each with its own token. @default none */
  readonly services?: readonly HubServiceOptions[];
  /**
   * Python appended to the generated jupyterhub_config.py (after everything the fixture
   * sets, so it may override any of it). `c` is the config object.
   * @default none
   */
  readonly extraConfig?: string;
  /** More environment for the hub process (and so for hub-managed services). @default none */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Start the proxy with its Prometheus endpoint (`--metrics-port`) on a free loopback
   * port, at `TestHub.proxyMetricsUrl`. @default false
   */
  readonly proxyMetrics?: boolean;
}

/** Users named `<SLOW_PREFIX>-...` get a server that takes this long to start. */
export const SLOW_PREFIX = 'e2e-slow';
const SLOW_SPAWN_S = 12;

export interface HubUserModel {
  readonly name: string;
  readonly last_activity: string | null;
  readonly servers?: Record<string, { readonly ready: boolean; readonly pending: string | null }>;
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

/** The configurable-http-proxy of node_modules (a pinned devDependency). */
function proxyExecutable(): string {
  const path = join(REPO_ROOT, 'node_modules', '.bin', 'configurable-http-proxy');
  if (!existsSync(path)) throw new Error(`${path} not found: run \`npm ci\``);
  return path;
}

const token = (): string => randomBytes(24).toString('hex');

const SERVICE_NAME = /^[a-z0-9][a-z0-9._-]*$/;

/** The services and roles the config loads, from the options (checked before anything starts). */
function serviceSpec(options: HubOptions, adminService: string, readonlyService: string, dir: string) {
  const services: HubServiceOptions[] = [
    { name: adminService, roles: ['admin'] },
    { name: readonlyService, scopes: ['list:users'] },
    ...(options.services ?? []),
  ];
  const tokens = new Map<string, string>();
  const entries: Record<string, unknown>[] = [];
  const roles = new Map<string, { name: string; scopes?: readonly string[]; services: string[] }>();
  for (const service of services) {
    if (!SERVICE_NAME.test(service.name)) {
      throw new Error(
        `services: name "${service.name}" is not allowed; use lower-case letters, digits, . _ -`,
      );
    }
    if (tokens.has(service.name)) throw new Error(`services: name "${service.name}" is given twice`);
    const apiToken = token();
    tokens.set(service.name, apiToken);
    const entry: Record<string, unknown> = {
      ...(service.extra ?? {}),
      name: service.name,
      api_token: apiToken,
    };
    // A hub-managed service runs in a folder of the fixture's, so stop() finds it even
    // after a killed hub left it orphaned.
    if (entry.command !== undefined && entry.cwd === undefined) {
      entry.cwd = join(dir, 'services', service.name);
      mkdirSync(entry.cwd as string, { recursive: true });
    }
    entries.push(entry);
    if (service.scopes) {
      roles.set(`${service.name}-role`, {
        name: `${service.name}-role`,
        scopes: service.scopes,
        services: [service.name],
      });
    }
    for (const role of service.roles ?? []) {
      const existing = roles.get(role) ?? { name: role, services: [] };
      existing.services.push(service.name);
      roles.set(role, existing);
    }
  }
  return { tokens, services: entries, roles: [...roles.values()] };
}

export class TestHub {
  /** Token of the admin service (`HubOptions.adminService`). */
  readonly token: string;
  /** Token of the read-only service: `list:users` only. */
  readonly readonlyToken: string;
  private hub: ChildProcess | undefined;
  private proxy: ChildProcess | undefined;
  private readonly adminService: string;

  private constructor(
    readonly dir: string,
    private readonly ports: {
      readonly proxy: number;
      readonly proxyApi: number;
      readonly hub: number;
      readonly proxyMetrics?: number;
    },
    private readonly jupyterhub: string,
    private readonly options: HubOptions,
    private readonly tokens: ReadonlyMap<string, string>,
    names: { readonly admin: string; readonly readonly: string },
  ) {
    this.adminService = names.admin;
    this.token = this.serviceToken(names.admin);
    this.readonlyToken = this.serviceToken(names.readonly);
  }

  /** The proxy's Prometheus endpoint (only with `proxyMetrics`). */
  get proxyMetricsUrl(): string {
    if (this.ports.proxyMetrics === undefined) throw new Error('start the hub with proxyMetrics: true');
    return `http://127.0.0.1:${this.ports.proxyMetrics}/metrics`;
  }

  /** The hub's public URL, through the proxy (`http://127.0.0.1:<port>`). */
  get hubUrl(): string {
    return `http://127.0.0.1:${this.ports.proxy}`;
  }

  /** The hub API URL as users see it, through the proxy. */
  get apiUrl(): string {
    return `${this.hubUrl}/hub/api`;
  }

  /** The hub's Prometheus endpoint as a scraper reaches it, through the proxy. */
  get metricsUrl(): string {
    return `${this.hubUrl}/hub/metrics`;
  }

  /** The hub process's own address (what hub-managed services get as JUPYTERHUB_API_URL). */
  get internalApiUrl(): string {
    return `http://127.0.0.1:${this.ports.hub}/hub/api`;
  }

  get logPath(): string {
    return join(this.dir, 'jupyterhub.log');
  }

  /** The API token of a service given in `HubOptions.services` (or the two built-in ones). */
  serviceToken(name: string): string {
    const found = this.tokens.get(name);
    if (!found) throw new Error(`no service "${name}"; services: ${[...this.tokens.keys()].join(', ')}`);
    return found;
  }

  static async start(options: HubOptions = {}): Promise<TestHub> {
    const adminService = options.adminService ?? 'e2e-admin';
    const readonlyService = options.readonlyService ?? 'e2e-readonly';
    const limit = options.concurrentSpawnLimit ?? 3;
    if (!Number.isInteger(limit) || limit < 0) {
      throw new Error(`concurrentSpawnLimit: ${limit} is not allowed; use an integer >= 0 (0: no limit)`);
    }
    // Fail here, not in a hub log, when the environment is missing.
    const singleuser = venvBin('jupyterhub-singleuser');
    const jupyterhub = venvBin('jupyterhub');
    const proxyBin = proxyExecutable();

    const dir = mkdtempSync(join(tmpdir(), 'hub-e2e-'));
    let spec: ReturnType<typeof serviceSpec>;
    try {
      spec = serviceSpec(options, adminService, readonlyService, dir);
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    const [proxy, proxyApi, hub] = [await freePort(), await freePort(), await freePort()];
    const proxyMetrics = options.proxyMetrics ? await freePort() : undefined;
    const testHub = new TestHub(
      dir,
      { proxy, proxyApi, hub, proxyMetrics },
      jupyterhub,
      options,
      spec.tokens,
      {
        admin: adminService,
        readonly: readonlyService,
      },
    );
    try {
      testHub.writeConfig(singleuser, limit, spec);
      await testHub.startProxy(proxyBin);
      await testHub.startHub();
    } catch (err) {
      await testHub.stop();
      throw err;
    }
    return testHub;
  }

  private writeConfig(
    singleuser: string,
    limit: number,
    spec: { services: Record<string, unknown>[]; roles: unknown[] },
  ): void {
    const proxyToken = token();
    writeFileSync(join(this.dir, 'proxy-token'), proxyToken, { mode: 0o600 });
    mkdirSync(join(this.dir, 'homes'));
    // Services and roles go through JSON, so that any value a suite passes reaches Python intact.
    const fixture = join(this.dir, 'fixture.json');
    writeFileSync(
      fixture,
      JSON.stringify({ services: spec.services, roles: spec.roles, proxyToken, singleuser }),
      { mode: 0o600 },
    );
    const py = (value: string): string => JSON.stringify(value);
    const config = `# Throwaway loopback hub for end-to-end tests. Not for any real use.
import json
c = get_config()  # noqa
with open(${py(fixture)}) as f:
    fixture = json.load(f)
c.JupyterHub.bind_url = ${py(this.hubUrl)}
c.JupyterHub.hub_bind_url = ${py(`http://127.0.0.1:${this.ports.hub}`)}
c.JupyterHub.db_url = ${py(`sqlite:///${join(this.dir, 'jupyterhub.sqlite')}`)}
c.JupyterHub.cookie_secret_file = ${py(join(this.dir, 'cookie_secret'))}
c.JupyterHub.pid_file = ${py(join(this.dir, 'jupyterhub.pid'))}
# The proxy runs on its own, so it keeps answering (503) while the hub restarts.
c.JupyterHub.proxy_class = 'jupyterhub.proxy.ConfigurableHTTPProxy'
c.ConfigurableHTTPProxy.should_start = False
c.ConfigurableHTTPProxy.api_url = ${py(`http://127.0.0.1:${this.ports.proxyApi}`)}
c.ConfigurableHTTPProxy.auth_token = fixture['proxyToken']
# Any name logs in (JupyterHub 5 lets nobody in without an allow rule); single-user servers
# run as the current user with a home in the temp dir.
c.JupyterHub.authenticator_class = 'dummy'
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = 'jupyterhub.spawner.SimpleLocalProcessSpawner'
c.SimpleLocalProcessSpawner.home_dir_template = ${py(join(this.dir, 'homes', '{username}'))}
c.Spawner.cmd = [fixture['singleuser']]
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

# Small by default, so that clients meet real 429s (with the hub's real 30-60 s Retry-After).
c.JupyterHub.concurrent_spawn_limit = ${limit}
c.JupyterHub.services = fixture['services']
c.JupyterHub.load_roles = fixture['roles']
${this.options.extraConfig ? `\n# Extra configuration of the suite\n${this.options.extraConfig}\n` : ''}`;
    writeFileSync(join(this.dir, 'jupyterhub_config.py'), config);
  }

  private logFd(): number {
    return openSync(this.logPath, 'a');
  }

  private async startProxy(proxyBin: string): Promise<void> {
    const fd = this.logFd();
    this.proxy = spawn(
      proxyBin,
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
        ...(this.ports.proxyMetrics === undefined
          ? []
          : ['--metrics-ip', '127.0.0.1', '--metrics-port', String(this.ports.proxyMetrics)]),
      ],
      {
        cwd: this.dir,
        stdio: ['ignore', fd, fd],
        env: {
          ...process.env,
          CONFIGPROXY_AUTH_TOKEN: readFileSync(join(this.dir, 'proxy-token'), 'utf8'),
        },
      },
    );
    closeSync(fd);
    const proxy = this.proxy;
    // Ports are free when chosen, not reserved: another suite's server may take one first.
    // Only our proxy takes our token on its API, and it must still be running.
    await this.waitFor(
      async () => {
        if (proxy.exitCode !== null || proxy.signalCode !== null) {
          throw new Error(`configurable-http-proxy exited (a port taken?); log:\n${this.logTail()}`);
        }
        const routes = await fetch(`http://127.0.0.1:${this.ports.proxyApi}/api/routes`, {
          headers: { authorization: `token ${readFileSync(join(this.dir, 'proxy-token'), 'utf8')}` },
        });
        return routes.status === 200 && (await fetch(`${this.hubUrl}/`)).status > 0;
      },
      'proxy',
      30_000,
    );
  }

  /** Starts the hub process (again) on the same database and waits until its API answers. */
  async startHub(): Promise<void> {
    if (this.hub && this.hub.exitCode === null && this.hub.signalCode === null) {
      throw new Error('startHub: the hub is running; stop or kill it first');
    }
    const fd = this.logFd();
    this.hub = spawn(this.jupyterhub, ['-f', join(this.dir, 'jupyterhub_config.py')], {
      cwd: this.dir,
      stdio: ['ignore', fd, fd],
      env: { ...process.env, CONFIGPROXY_AUTH_TOKEN: '', ...(this.options.env ?? {}) },
    });
    closeSync(fd);
    const hub = this.hub;
    await this.waitFor(
      async () => {
        if (hub.exitCode !== null || hub.signalCode !== null)
          throw new Error(
            `jupyterhub exited with ${hub.exitCode ?? hub.signalCode}; see ${this.logPath}:\n${this.logTail()}`,
          );
        // Our hub, not one of another suite's that took a port: it knows our admin token.
        const me = await this.request('GET', '/user');
        return me.status === 200 && (me.body as { name?: string }).name === this.adminService;
      },
      'hub API',
      90_000,
    );
  }

  /** Kills the hub outright (no cleanup of servers), as a crash or OOM kill would. */
  async killHub(): Promise<void> {
    if (this.hub) await terminate(this.hub, 'SIGKILL', 0);
  }

  /**
   * Restarts the hub on the same database. `kill` (the default) kills it as a crash would,
   * so single-user servers keep running and the new hub finds them; otherwise SIGTERM lets
   * it stop them first (JupyterHub's cleanup_servers).
   */
  async restart(how: { readonly kill?: boolean } = {}): Promise<void> {
    if (how.kill ?? true) await this.killHub();
    else if (this.hub) await terminate(this.hub, 'SIGTERM', 30_000);
    await this.startHub();
  }

  private async waitFor(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
      try {
        if (await check()) return;
      } catch (err) {
        last = err;
        if (err instanceof Error && /^(jupyterhub|configurable-http-proxy) exited/.test(err.message))
          throw err;
      }
      await sleep(200);
    }
    throw new Error(`${what} not up within ${timeoutMs} ms (${String(last)}); log:\n${this.logTail()}`);
  }

  /** One call to the hub's REST API, with the admin token unless another is given. */
  async request(
    method: string,
    path: string,
    body?: unknown,
    apiToken: string = this.token,
  ): Promise<{ status: number; body: unknown; headers: Headers }> {
    const res = await fetch(this.apiUrl + path, {
      method,
      headers: { authorization: `token ${apiToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (a proxy error page); keep the text
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  /** GET /hub/metrics with a token (default: the admin's, whose role has `read:metrics`). */
  async metrics(apiToken: string = this.token): Promise<{ status: number; text: string }> {
    const res = await fetch(this.metricsUrl, { headers: { authorization: `token ${apiToken}` } });
    return { status: res.status, text: await res.text() };
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
    const { status, text } = await this.metrics();
    if (status !== 200) throw new Error(`GET /hub/metrics: HTTP ${status}`);
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

  /**
   * Waits until the hub has logged every request answered so far. Tornado writes a
   * request's access-log line after the response has gone out, so a client can read the
   * log before the line of its last request is there (seen on a busy machine). A marked
   * request sent now is handled after them; once its line is in the log, theirs are too.
   */
  async logSettled(timeoutMs = 10_000): Promise<void> {
    const mark = `e2e-log-mark=${randomBytes(6).toString('hex')}`;
    await this.request('GET', `/?${mark}`);
    const deadline = Date.now() + timeoutMs;
    while (!this.logSince(0).includes(mark)) {
      if (Date.now() > deadline) throw new Error(`the hub did not log ${mark} within ${timeoutMs} ms`);
      await sleep(50);
    }
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
   * whatever the hub answered. Call `logSettled()` first.
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

  /**
   * Single-user servers (and hub-managed services) orphaned by a killed hub still run in
   * their folders under our temp dir.
   */
  private killStrays(): void {
    const folders = [join(this.dir, 'homes'), join(this.dir, 'services')];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const cwd = readlinkSync(`/proc/${entry}/cwd`);
        if (folders.some((f) => cwd === f || cwd.startsWith(`${f}/`))) process.kill(Number(entry), 'SIGKILL');
      } catch {
        // gone already, or not ours to inspect
      }
    }
  }
}
