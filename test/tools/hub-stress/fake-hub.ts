/**
 * An in-memory JupyterHub REST API for unit tests, on whatever clock `Date.now` and
 * `setTimeout` are (jest's fake timers in these tests). It models the parts hub-stress
 * depends on, as JupyterHub behaves (jupyterhub/apihandlers/users.py, handlers/base.py; the
 * end-to-end suite checks the tool against the real 5.5, see docs/testing.md):
 * the concurrent spawn limit with its 429 and Retry-After, spawns that answer 201 when
 * ready within slow_spawn_timeout and 202 otherwise, a hub-side start_timeout, 400s for
 * servers pending spawn or stop (3.0's answer to a second start of a pending spawn; 5.5
 * answers 202, which the tool takes alike), and POST /users creating only the names that
 * are new.
 */
import { HttpResponse, Transport } from '../../../tools/hub-stress/http';

interface FakeUser {
  readonly name: string;
  running: boolean;
  spawn?: { readonly readyAt: number; readonly giveUpAt: number };
  stopAt?: number;
  lastActivity: string | null;
}

type State = 'ready' | 'spawning' | 'stopping' | 'stopped';

export interface FakeHubOptions {
  readonly concurrentSpawnLimit?: number;
  /** How long a user's spawn takes; Infinity never becomes ready. @default 4000 */
  readonly spawnMs?: (name: string) => number;
  /** Seconds in the 429's Retry-After. @default 30 */
  readonly retryAfterS?: number;
  /** The hub gives up on a spawn after this long. @default 120000 */
  readonly startTimeoutMs?: number;
  /** How long a stop takes; 0 answers 204 at once. @default 0 */
  readonly stopMs?: number;
  /** Other people's pending spawns at a given time, counted against the limit. @default 0 */
  readonly othersPending?: (now: number) => number;
  readonly scopes?: readonly string[];
  /** Network delay of each request on its way to the hub. @default 1 */
  readonly latencyMs?: () => number;
  /** How long the hub takes to answer a spawn with 429 (a busy hub is slow to answer anything). @default 0 */
  readonly throttleMs?: number;
}

const json = (status: number, body?: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers,
  body: body === undefined ? '' : JSON.stringify(body),
});
const error = (status: number, message: string, headers: Record<string, string> = {}): HttpResponse =>
  json(status, { status, message }, headers);
const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class FakeHub implements Transport {
  readonly users = new Map<string, FakeUser>();
  /** Every request, as `METHOD /path`. */
  readonly requests: string[] = [];
  /** Names whose spawn request was answered 429, in order. */
  readonly throttled: string[] = [];
  /** Most of our spawns pending at once, as the hub counted them. */
  maxPending = 0;
  /** Called before each request is answered; may throw (a TransportError) or answer instead. */
  intercept: ((method: string, path: string) => HttpResponse | undefined) | undefined;

  private readonly limit: number;
  private readonly spawnMs: (name: string) => number;
  private readonly retryAfterS: number;
  private readonly startTimeoutMs: number;
  private readonly stopMs: number;
  private readonly othersPending: (now: number) => number;
  private readonly scopes: readonly string[];
  private readonly latencyMs: () => number;
  private readonly throttleMs: number;

  constructor(options: FakeHubOptions = {}) {
    this.limit = options.concurrentSpawnLimit ?? 0;
    this.spawnMs = options.spawnMs ?? (() => 4_000);
    this.retryAfterS = options.retryAfterS ?? 30;
    this.startTimeoutMs = options.startTimeoutMs ?? 120_000;
    this.stopMs = options.stopMs ?? 0;
    this.othersPending = options.othersPending ?? (() => 0);
    this.scopes = options.scopes ?? ['admin:users', 'admin:servers'];
    this.latencyMs = options.latencyMs ?? (() => 1);
    this.throttleMs = options.throttleMs ?? 0;
  }

  /** The user's server state now, settling transitions that are due. */
  state(name: string): State | 'gone' {
    const user = this.users.get(name);
    if (!user) return 'gone';
    const now = Date.now();
    if (user.stopAt !== undefined) {
      if (now < user.stopAt) return 'stopping';
      user.stopAt = undefined;
      user.running = false;
    }
    if (user.spawn) {
      if (user.spawn.readyAt <= user.spawn.giveUpAt && now >= user.spawn.readyAt) {
        user.running = true;
        user.spawn = undefined;
      } else if (now >= user.spawn.giveUpAt) {
        user.spawn = undefined; // the hub's start_timeout: it stops the spawn and frees the slot
      } else {
        return 'spawning';
      }
    }
    return user.running ? 'ready' : 'stopped';
  }

  pending(): number {
    return [...this.users.keys()].filter((name) => this.state(name) === 'spawning').length;
  }

  private model(user: FakeUser): unknown {
    const state = this.state(user.name);
    const pending = state === 'spawning' ? 'spawn' : state === 'stopping' ? 'stop' : null;
    return {
      name: user.name,
      pending,
      last_activity: user.lastActivity,
      servers: state === 'stopped' ? {} : { '': { ready: state === 'ready', pending } },
    };
  }

  async request(
    method: string,
    url: URL,
    _headers: Record<string, string>,
    body: string | undefined,
    _timeoutMs?: number,
  ) {
    const path = url.pathname.replace(/^\/hub\/api/, '') || '/';
    this.requests.push(`${method} ${path}`);
    // On the way to the hub: requests sent together may arrive in another order.
    await wait(this.latencyMs());
    const intercepted = this.intercept?.(method, path);
    if (intercepted) return intercepted;
    return this.answer(method, path, url.searchParams, body === undefined ? undefined : JSON.parse(body));
  }

  close(): void {}

  private async answer(
    method: string,
    path: string,
    query: URLSearchParams,
    body: unknown,
  ): Promise<HttpResponse> {
    if (method === 'GET' && path === '/') return json(200, { version: '3.0.0' });
    if (method === 'GET' && path === '/user')
      return json(200, { kind: 'service', name: 'hub-stress', scopes: this.scopes });
    if (path === '/users' && method === 'GET') {
      const filter = query.get('name_filter') ?? '';
      const items = [...this.users.values()].filter((u) => u.name.includes(filter)).map((u) => this.model(u));
      return json(200, { items, _pagination: { next: null } });
    }
    if (path === '/users' && method === 'POST') {
      const names = (body as { usernames: string[] }).usernames;
      const fresh = names.filter((name) => !this.users.has(name));
      if (fresh.length === 0) return error(409, `All ${names.length} users already exist`);
      for (const name of fresh) this.users.set(name, { name, running: false, lastActivity: null });
      return json(
        201,
        fresh.map((name) => this.model(this.users.get(name) as FakeUser)),
      );
    }
    const match = /^\/users\/([^/]+)(\/server|\/activity)?$/.exec(path);
    if (!match) return error(404, 'Not Found');
    const name = decodeURIComponent(match[1]);
    const user = this.users.get(name);
    if (!user) return error(404, 'Not Found');
    const route = `${method} ${match[2] ?? ''}`;
    if (route === 'GET ') return json(200, this.model(user));
    if (route === 'POST /activity') {
      user.lastActivity = (body as { last_activity: string }).last_activity;
      return json(200);
    }
    if (route === 'DELETE ') return this.deleteUser(user);
    if (route === 'POST /server') return this.startServer(user);
    if (route === 'DELETE /server') return this.stopServer(user);
    return error(405, 'Method Not Allowed');
  }

  private async startServer(user: FakeUser): Promise<HttpResponse> {
    const state = this.state(user.name);
    if (state === 'spawning') return json(202);
    if (state === 'stopping') return error(400, `${user.name} is pending stop`);
    if (state === 'ready') return error(400, `${user.name} is already running`);
    const now = Date.now();
    if (this.limit && this.pending() + this.othersPending(now) >= this.limit) {
      this.throttled.push(user.name);
      if (this.throttleMs > 0) await wait(this.throttleMs);
      return error(429, 'Too many users trying to log in right now. Try again in 30 seconds.', {
        'retry-after': String(this.retryAfterS),
      });
    }
    user.spawn = { readyAt: now + this.spawnMs(user.name), giveUpAt: now + this.startTimeoutMs };
    this.maxPending = Math.max(this.maxPending, this.pending());
    // slow_spawn_timeout: the request waits up to 10 s for the server to come up.
    await wait(Math.min(10_000, user.spawn.readyAt - now));
    return this.state(user.name) === 'ready' ? json(201) : json(202);
  }

  private stopServer(user: FakeUser): HttpResponse {
    const state = this.state(user.name);
    if (state === 'stopping') return json(202);
    if (state === 'spawning') return error(400, `${user.name} is pending spawn, please wait`);
    if (state === 'stopped') return json(204);
    if (this.stopMs === 0) {
      user.running = false;
      return json(204);
    }
    user.stopAt = Date.now() + this.stopMs;
    return json(202);
  }

  private deleteUser(user: FakeUser): HttpResponse {
    const state = this.state(user.name);
    if (state === 'stopping')
      return error(400, `${user.name}'s server is in the process of stopping, please wait.`);
    if (state === 'spawning') return error(500, 'Internal Server Error');
    if (state === 'ready') {
      const stop = this.stopServer(user);
      if (stop.status === 202)
        return error(400, `${user.name}'s server is in the process of stopping, please wait.`);
    }
    this.users.delete(user.name);
    return json(204);
  }
}
