/**
 * Bringing one user's server up and taking one user down, against the states JupyterHub
 * really passes through: a spawn may answer 201 (ready), 202 (pending) or 429 (throttled);
 * a stop may answer 204, 202, or 400 because the server is already stopping, which means
 * "wait", never "give up" (a culler that aborted on that 400 took a hub down once). A hub
 * that has just restarted first checks the servers that survived ("pending check") and
 * answers 400 to both meanwhile: that is a wait too.
 */
import { HubClient, HubResult, HubUser, describe } from './hub-client';
import { sleep } from './pool';

/** Every state a server of a listed user can be in (`gone`: the user does not exist). */
export const SERVER_STATES = ['ready', 'spawning', 'stopping', 'checking', 'stopped', 'gone'] as const;
export type ServerState = (typeof SERVER_STATES)[number];

/** The default server's state from a user model (null model = the user does not exist). */
export function serverState(user: HubUser | null): ServerState {
  if (user === null) return 'gone';
  const server = user.servers?.[''];
  const pending = server?.pending ?? user.pending ?? null;
  if (pending === 'spawn') return 'spawning';
  if (pending === 'stop') return 'stopping';
  if (pending === 'check') return 'checking';
  if (server?.ready) return 'ready';
  return 'stopped';
}

/** The hub's answer to a stop or delete says the server is already on its way down. */
export function isAlreadyStopping(res: HubResult): boolean {
  return (
    res.ok &&
    res.status === 400 &&
    /pending stop|already stopping|in the process of stopping/i.test(res.message)
  );
}

const POLL_MS = 500;

async function fetchState(
  client: HubClient,
  name: string,
  signal?: AbortSignal,
): Promise<ServerState | string> {
  const res = await client.getUser(name, signal);
  if (res.ok && res.status === 200) return serverState(res.body as HubUser);
  if (res.ok && res.status === 404) return 'gone';
  return `poll: ${describe(res)}`;
}

/** Polls until `done(state)` or the deadline; returns the last state, or 'timeout'. */
async function waitFor(
  client: HubClient,
  name: string,
  deadline: number,
  done: (state: ServerState) => boolean,
  signal?: AbortSignal,
): Promise<ServerState | 'timeout'> {
  for (;;) {
    const state = await fetchState(client, name, signal);
    // A failed poll (hub restarting, retries exhausted) is not a verdict on the server.
    if (isServerState(state) && done(state)) return state;
    if (Date.now() >= deadline) return 'timeout';
    await sleep(Math.min(POLL_MS, Math.max(0, deadline - Date.now())), signal);
  }
}

function isServerState(value: string): value is ServerState {
  return (SERVER_STATES as readonly string[]).includes(value);
}

export type SpawnOutcome =
  | { readonly kind: 'ready' }
  | { readonly kind: 'throttled'; readonly retryAfterMs: number | undefined }
  | { readonly kind: 'failed'; readonly reason: string; readonly retryable: boolean };

/** Whether a spawn attempt met 502/503/504 or a dead connection on the way (hub restarting). */
export function sawOutage(res: HubResult): boolean {
  return res.retried.some((r) => r !== '429');
}

export interface SpawnEvents {
  /** The hub was unreachable or answered 502/503/504 on the way (it is restarting). */
  readonly onOutage: () => void;
  /** The hub answered the spawn request with something other than 429: it was not throttled. */
  readonly onAccepted: () => void;
}

/** One spawn attempt: request the server and wait until it is ready. */
export async function spawnServer(
  client: HubClient,
  name: string,
  options: { readonly profile?: string; readonly timeoutMs: number; readonly signal?: AbortSignal },
  events: SpawnEvents,
): Promise<SpawnOutcome> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const res = await client.startServer(name, options.profile, options.signal);
    if (sawOutage(res)) events.onOutage();
    if (!res.ok) return { kind: 'failed', reason: `unreachable:${res.code}`, retryable: true };
    if (res.status === 429) return { kind: 'throttled', retryAfterMs: res.retryAfterMs };
    events.onAccepted();
    if (res.status === 201) return { kind: 'ready' };
    if (res.status === 404) return { kind: 'failed', reason: 'user-missing', retryable: false };
    if (res.status === 400 && /already running/i.test(res.message)) return { kind: 'ready' };
    if (res.status === 400 && /pending (stop|check)/i.test(res.message)) {
      // Our own earlier attempt is being torn down, or a restarted hub is checking what
      // survived: wait for it, then ask again.
      const state = await waitFor(
        client,
        name,
        deadline,
        (s) => s !== 'stopping' && s !== 'checking',
        options.signal,
      );
      if (state === 'timeout') return { kind: 'failed', reason: 'timeout', retryable: false };
      continue;
    }
    if (res.status !== 202 && !(res.status === 400 && /pending spawn/i.test(res.message))) {
      return { kind: 'failed', reason: `http-${res.status}`, retryable: res.status >= 500 };
    }
    const state = await waitFor(
      client,
      name,
      deadline,
      (s) => s !== 'spawning' && s !== 'checking',
      options.signal,
    );
    if (state === 'ready') return { kind: 'ready' };
    if (state === 'timeout') return { kind: 'failed', reason: 'timeout', retryable: false };
    if (state === 'gone') return { kind: 'failed', reason: 'user-missing', retryable: false };
    // Stopped without becoming ready: the spawner failed, or a hub restart lost the spawn.
    return { kind: 'failed', reason: 'spawn-failed', retryable: true };
  }
}

export type StopOutcome = 'stopped' | 'gone' | { readonly failed: string };

/** Rounds of stop-and-wait before giving up; each is bounded by the deadline too. */
const MAX_ROUNDS = 20;

/**
 * Stops the user's default server and waits until the hub has no transition in flight
 * for it. A pending spawn (or check) cannot be stopped yet (the hub answers 400), so it is
 * waited out and stopped once it is ready, or once the hub itself gives up on it.
 */
export async function stopServer(
  client: HubClient,
  name: string,
  deadline: number,
  signal?: AbortSignal,
): Promise<StopOutcome> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const stop = await client.stopServer(name);
    if (stop.ok && stop.status === 404) return 'gone';
    const settled = stop.ok && (stop.status === 204 || stop.status === 202 || isAlreadyStopping(stop));
    const busy = stop.ok && stop.status === 400 && /pending (spawn|check)/i.test(stop.message);
    if (!settled && !busy) return { failed: `stop: ${describe(stop)}` };
    const state = await waitFor(
      client,
      name,
      deadline,
      (s) => s === 'stopped' || s === 'gone' || (busy && s === 'ready'),
      signal,
    );
    if (state === 'timeout') return { failed: 'stop: timeout' };
    if (state === 'stopped' || state === 'gone') return state;
  }
  return { failed: `stop: gave up after ${MAX_ROUNDS} rounds` };
}

export type RemoveOutcome = { readonly removed: true } | { readonly removed: false; readonly reason: string };

/**
 * Stops the user's server if any and deletes the user. Succeeds when the user is gone,
 * including when it was gone already, which is what makes purge idempotent.
 */
export async function removeUser(client: HubClient, name: string, timeoutMs: number): Promise<RemoveOutcome> {
  const deadline = Date.now() + timeoutMs;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const stopped = await stopServer(client, name, deadline);
    if (stopped === 'gone') return { removed: true };
    if (stopped !== 'stopped') return { removed: false, reason: stopped.failed };
    const del = await client.deleteUser(name);
    if (del.ok && (del.status === 204 || del.status === 404)) return { removed: true };
    // Raced with a stop still settling in the hub: go round again.
    if (isAlreadyStopping(del) || (del.ok && del.status === 400)) {
      if (Date.now() >= deadline) return { removed: false, reason: 'delete: timeout' };
      await sleep(POLL_MS);
      continue;
    }
    return { removed: false, reason: `delete: ${describe(del)}` };
  }
  return { removed: false, reason: `delete: gave up after ${MAX_ROUNDS} rounds` };
}
