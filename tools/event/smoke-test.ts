/**
 * The runbook's smoke test, through the hub API: the hub is up when a user can be made,
 * their server starts, answers through the proxy, and stops again. A reserved user
 * (SMOKE_TEST_USER) is created with the event-operator token, its server started and
 * waited for (bounded, with progress), its `/api/status` asked through the hub's public
 * address, the server stopped and the user removed. On failure or Ctrl-C (the `signal`)
 * the server is stopped and the user removed all the same, and whatever could not be
 * removed is named. A user of that name left by an interrupted run is removed first.
 */
import { SMOKE_TEST_USER } from '../../lib/jupyterhub/names';
import { call, HubApi } from './hub-servers';

export interface SmokeTestOptions {
  readonly api: HubApi;
  /** @default SMOKE_TEST_USER */
  readonly user?: string;
  /** How long the server may take to start. @default 15 minutes (a node may have to boot) */
  readonly startTimeoutMs?: number;
  /** How long the server may take to stop. @default 5 minutes */
  readonly stopTimeoutMs?: number;
  /** @default 2 s */
  readonly pollMs?: number;
  /** Aborted on Ctrl-C: the test stops waiting and cleans up. @default never */
  readonly signal?: AbortSignal;
  readonly say: (line: string) => void;
}

export interface SmokeTestResult {
  readonly ok: boolean;
  /** Seconds from the start request until the server was ready. */
  readonly startSeconds?: number;
  /** Why it failed. */
  readonly error?: string;
  /** What the cleanup could not remove (empty when nothing is left). */
  readonly remains: readonly string[];
}

interface ServerModel {
  readonly ready?: boolean;
  readonly pending?: string | null;
  readonly url?: string;
}

class Interrupted extends Error {
  constructor() {
    super('interrupted (Ctrl-C)');
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new Interrupted());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Interrupted());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

const brief = (body: unknown) => JSON.stringify(body ?? '').slice(0, 200);

function expect(method: string, path: string, answer: { status: number; body: unknown }, ok: number[]) {
  if (!ok.includes(answer.status))
    throw new Error(`${method} ${path} answered ${answer.status}: ${brief(answer.body)}`);
}

/** The user's default server as the hub reports it; undefined when it has none (or no user). */
async function defaultServer(api: HubApi, user: string): Promise<ServerModel | undefined> {
  const path = `/users/${encodeURIComponent(user)}`;
  const answer = await call(api, 'GET', path);
  if (answer.status === 404) return undefined;
  expect('GET', path, answer, [200]);
  return (answer.body as { servers?: Record<string, ServerModel> }).servers?.[''];
}

/** Asks the hub to stop the server and waits until it has none. */
async function stopServer(
  api: HubApi,
  user: string,
  timeoutMs: number,
  pollMs: number,
  say: (l: string) => void,
) {
  const path = `/users/${encodeURIComponent(user)}/server`;
  // 202: stopping; 204: stopped; 400: not running.
  expect('DELETE', path, await call(api, 'DELETE', path), [202, 204, 400]);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!(await defaultServer(api, user))) return;
    if (Date.now() >= deadline)
      throw new Error(`the server of ${user} is still stopping after ${Math.round(timeoutMs / 1000)} s`);
    say(`waiting for the server of ${user} to stop`);
    await sleep(pollMs);
  }
}

async function removeUser(api: HubApi, user: string) {
  const path = `/users/${encodeURIComponent(user)}`;
  expect('DELETE', path, await call(api, 'DELETE', path), [204, 404]);
}

/** The calls the smoke test makes, for --dry-run. */
export function smokeTestPlan(apiUrl: string, user: string = SMOKE_TEST_USER): string[] {
  const u = `${apiUrl.replace(/\/$/, '')}/users/${encodeURIComponent(user)}`;
  return [
    `GET ${u} (an earlier run's ${user} is stopped and removed first)`,
    `POST ${u}`,
    `POST ${u}/server, then GET ${u} until the server is ready (at most 900 s)`,
    `GET ${new URL(`/user/${encodeURIComponent(user)}/api/status`, apiUrl).href} (through the proxy)`,
    `DELETE ${u}/server, then GET ${u} until it has stopped`,
    `DELETE ${u}`,
  ];
}

/** Runs the smoke test; never throws: the result says what happened and what is left. */
export async function runSmokeTest(options: SmokeTestOptions): Promise<SmokeTestResult> {
  const { api, say, signal } = options;
  const user = options.user ?? SMOKE_TEST_USER;
  const startTimeoutMs = options.startTimeoutMs ?? 15 * 60_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 5 * 60_000;
  const pollMs = options.pollMs ?? 2_000;
  const userPath = `/users/${encodeURIComponent(user)}`;
  const check = () => {
    if (signal?.aborted) throw new Interrupted();
  };
  let exists = false;
  let startSeconds: number | undefined;
  let error: string | undefined;
  try {
    const earlier = await call(api, 'GET', userPath);
    if (earlier.status === 200) {
      say(`smoke test: removing the user ${user} an earlier run left`);
      exists = true;
      await stopServer(api, user, stopTimeoutMs, pollMs, say);
      await removeUser(api, user);
      exists = false;
    } else expect('GET', userPath, earlier, [404]);
    check();

    say(`smoke test: creating the user ${user}`);
    expect('POST', userPath, await call(api, 'POST', userPath), [201]);
    exists = true;
    check();

    const started = Date.now();
    say(`smoke test: starting the server of ${user}`);
    expect('POST', `${userPath}/server`, await call(api, 'POST', `${userPath}/server`), [201, 202]);
    let server: ServerModel | undefined;
    for (;;) {
      server = await defaultServer(api, user);
      if (!server) throw new Error(`the server of ${user} failed to start (the hub's log says why)`);
      if (server.ready) break;
      const waited = Math.round((Date.now() - started) / 1000);
      if (Date.now() - started >= startTimeoutMs)
        throw new Error(`the server of ${user} is not ready after ${waited} s`);
      say(
        `smoke test: server ${server.pending ?? 'starting'}, ${waited} s of at most ${startTimeoutMs / 1000} s`,
      );
      await sleep(pollMs, signal);
    }
    startSeconds = (Date.now() - started) / 1000;
    say(`smoke test: server ready after ${startSeconds.toFixed(1)} s`);
    check();

    // Through the proxy, as a browser reaches it: the hub's public address, the server's path.
    const status = new URL(
      `${(server.url ?? `/user/${encodeURIComponent(user)}/`).replace(/\/?$/, '/')}api/status`,
      api.url,
    );
    const answer = await fetch(status, {
      headers: { authorization: `token ${api.token}`, accept: 'application/json' },
      signal: AbortSignal.timeout(30_000),
      redirect: 'manual',
    });
    const text = await answer.text();
    if (answer.status !== 200 || !/"started"/.test(text))
      throw new Error(
        `the server did not answer: GET ${status.pathname} answered ${answer.status}: ${text.slice(0, 200)}`,
      );
    say(`smoke test: the server answers at ${status.pathname}`);
    check();

    say(`smoke test: stopping the server of ${user}`);
    await stopServer(api, user, stopTimeoutMs, pollMs, say);
    say(`smoke test: removing the user ${user}`);
    await removeUser(api, user);
    exists = false;
  } catch (e) {
    error = (e as Error).message;
    say(`smoke test: failed: ${error}`);
  }
  const remains: string[] = [];
  if (exists) {
    say(`smoke test: cleaning up: stopping the server of ${user} and removing the user`);
    try {
      await stopServer(api, user, stopTimeoutMs, pollMs, say);
    } catch (e) {
      remains.push(`the server of ${user} (${(e as Error).message})`);
    }
    try {
      await removeUser(api, user);
    } catch (e) {
      remains.push(`the user ${user} (${(e as Error).message})`);
    }
    for (const left of remains) say(`smoke test: may remain: ${left}`);
    if (remains.length)
      say(
        `smoke test: remove it on the hub's admin page, or run up again: it removes a leftover ${user} first`,
      );
  }
  return { ok: error === undefined, startSeconds, error, remains };
}
