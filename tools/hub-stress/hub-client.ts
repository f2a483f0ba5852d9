/**
 * The hub's REST API as this tool uses it: every call timed (hub API latency), transient
 * answers retried under the retry policy (retries counted by status), and results
 * returned as data rather than thrown, so that one failed user never stops a run.
 */
import { STATUS_CODES } from 'node:http';
import { isTestUser } from './names';
import { HttpResponse, Transport, TransportError } from './http';
import { Logger } from './log';
import { sleep } from './pool';
import {
  DEFAULT_RETRY_POLICY,
  RetryPolicy,
  backoffDelay,
  isRetryableError,
  isRetryableStatus,
  mayRetry,
  parseRetryAfter,
} from './retry';
import { Tally } from './stats';

/** The outcome of a call after retries: an HTTP answer, or why there was none. */
export type HubResult =
  | {
      readonly ok: true;
      readonly status: number;
      readonly body: unknown;
      /** For errors, the hub's `message` field or else the status text, on one short line; '' otherwise. */
      readonly message: string;
      readonly retryAfterMs: number | undefined;
      /** Statuses or error codes that were retried on the way. */
      readonly retried: readonly string[];
    }
  | {
      readonly ok: false;
      readonly code: string;
      readonly message: string;
      readonly retried: readonly string[];
    };

export interface CallOptions {
  /** Return a 429 to the caller instead of waiting it out (the spawn scheduler does its own). */
  readonly passThrough429?: boolean;
  /** Stops waiting between retries; the call then rejects with AbortedError. */
  readonly signal?: AbortSignal;
  /**
   * Leave the exchange out of the hub API latency. Server start and stop requests are held
   * open by the hub while it spawns or stops (up to its slow_spawn/stop timeouts), so they
   * measure the spawner, which the spawn latency already reports. @default false
   */
  readonly untimed?: boolean;
}

/** The parts of a user model this tool reads. */
export interface HubServer {
  readonly ready?: boolean;
  readonly pending?: string | null;
}
export interface HubUser {
  readonly name: string;
  readonly pending?: string | null;
  readonly servers?: Record<string, HubServer>;
}

const PAGE_SIZE = 200;
/** 200 per page: enough pages for two million users, and a bound on the loop. */
const MAX_PAGES = 10_000;

export class HubClient {
  /** Duration of every HTTP exchange with the hub but server starts and stops, in ms. */
  readonly latencies: number[] = [];
  /** Retries by status code or socket error code. */
  readonly retries = new Tally();

  constructor(
    private readonly endpoint: string,
    private readonly token: string,
    private readonly transport: Transport,
    private readonly log: Logger,
    private readonly policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    private readonly requestTimeoutMs = 30_000,
  ) {}

  private async exchange(method: string, path: string, body: unknown, timed: boolean): Promise<HttpResponse> {
    const url = new URL(this.endpoint + path);
    const headers: Record<string, string> = {
      authorization: `token ${this.token}`,
      accept: 'application/jupyterhub-pagination+json, application/json',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const started = performance.now();
    try {
      return await this.transport.request(
        method,
        url,
        headers,
        body === undefined ? undefined : JSON.stringify(body),
        this.requestTimeoutMs,
      );
    } finally {
      if (timed) this.latencies.push(performance.now() - started);
    }
  }

  /** One API call with retries for 429/502/503/504 and connection errors. */
  async call(method: string, path: string, body?: unknown, options: CallOptions = {}): Promise<HubResult> {
    const start = Date.now();
    const retried: string[] = [];
    for (let attempt = 1; ; attempt++) {
      let retryAfterMs: number | undefined;
      let reason: string;
      let final: HubResult;
      try {
        const res = await this.exchange(method, path, body, !options.untimed);
        const parsed = parseBody(res.body);
        retryAfterMs = parseRetryAfter(headerValue(res.headers['retry-after']), Date.now());
        final = {
          ok: true,
          status: res.status,
          body: parsed,
          message: errorMessage(parsed, res),
          retryAfterMs,
          retried,
        };
        this.log.debug(`${method} ${path} -> ${res.status}${final.message ? ` ${final.message}` : ''}`);
        reason = String(res.status);
        if (!isRetryableStatus(res.status) || (res.status === 429 && options.passThrough429)) return final;
      } catch (err) {
        if (!(err instanceof TransportError)) throw err;
        this.log.debug(`${method} ${path} -> ${err.code} ${err.message}`);
        final = { ok: false, code: err.code, message: err.message, retried };
        reason = err.code;
        if (!isRetryableError(err.code)) return final;
      }
      const delay = backoffDelay(this.policy, attempt, retryAfterMs, Math.random);
      if (!mayRetry(this.policy, attempt, Date.now() - start, delay)) return final;
      retried.push(reason);
      this.retries.add(reason);
      await sleep(delay, options.signal);
    }
  }

  /** `GET /` answers `{"version": ...}` on any JupyterHub API URL, without a token. */
  version(): Promise<HubResult> {
    return this.call('GET', '/');
  }

  /** Who the token belongs to (user or service) and its scopes. */
  whoami(): Promise<HubResult> {
    return this.call('GET', '/user');
  }

  getUser(name: string, signal?: AbortSignal): Promise<HubResult> {
    return this.call('GET', `/users/${encodeURIComponent(name)}`, undefined, { signal });
  }

  createUsers(names: readonly string[]): Promise<HubResult> {
    return this.call('POST', '/users', { usernames: names });
  }

  startServer(name: string, profile: string | undefined, signal?: AbortSignal): Promise<HubResult> {
    const body = profile === undefined ? undefined : { profile };
    return this.call('POST', `/users/${encodeURIComponent(name)}/server`, body, {
      passThrough429: true,
      signal,
      untimed: true,
    });
  }

  stopServer(name: string): Promise<HubResult> {
    return this.call('DELETE', `/users/${encodeURIComponent(name)}/server`, undefined, { untimed: true });
  }

  deleteUser(name: string): Promise<HubResult> {
    return this.call('DELETE', `/users/${encodeURIComponent(name)}`);
  }

  postActivity(name: string, when: Date, signal?: AbortSignal): Promise<HubResult> {
    return this.call(
      'POST',
      `/users/${encodeURIComponent(name)}/activity`,
      { last_activity: when.toISOString() },
      { signal },
    );
  }

  /**
   * Every user named `<prefix>-NNNN`. The hub's name_filter is a substring match, so the
   * exact pattern is applied here as well. Throws when the hub cannot be listed, because
   * a partial list would make `purge` and `status` lie.
   */
  async listTestUsers(prefix: string): Promise<HubUser[]> {
    const users: HubUser[] = [];
    let offset = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = `?name_filter=${encodeURIComponent(prefix)}&offset=${offset}&limit=${PAGE_SIZE}`;
      const res = await this.call('GET', `/users${query}`);
      if (!res.ok || res.status !== 200) throw new Error(`listing users failed: ${describe(res)}`);
      const body = res.body as
        { items?: HubUser[]; _pagination?: { next?: { offset: number } | null } } | HubUser[];
      // Hubs before 2.0 ignore the pagination Accept header and return a bare list.
      const items = Array.isArray(body) ? body : (body.items ?? []);
      users.push(...items.filter((u) => isTestUser(prefix, u.name)));
      const next = Array.isArray(body) ? undefined : body._pagination?.next;
      if (!next) return users;
      offset = next.offset;
    }
    throw new Error(`listing users: more than ${MAX_PAGES} pages`);
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Longest error message kept: enough for JupyterHub's own messages, which name the user. */
const MAX_MESSAGE = 100;

/** Text squeezed onto one line of at most `max` characters. */
function oneLine(text: string, max = MAX_MESSAGE): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Only the JSON `message` JupyterHub puts in its errors: any other body (a proxy's or a
 * web server's HTML error page) would spill a page of markup into a one-line error.
 */
function errorMessage(parsed: unknown, res: HttpResponse): string {
  if (res.status < 400) return '';
  const message =
    parsed && typeof parsed === 'object' && 'message' in parsed && typeof parsed.message === 'string'
      ? parsed.message
      : '';
  return oneLine(message || res.statusText || STATUS_CODES[res.status] || '');
}

/** `HTTP 403 (message)` or the socket error code, for messages and failure reasons. */
export function describe(res: HubResult): string {
  if (!res.ok) return res.code;
  return res.message ? `HTTP ${res.status} (${res.message})` : `HTTP ${res.status}`;
}
