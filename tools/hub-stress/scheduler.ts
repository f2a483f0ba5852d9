/**
 * Starts servers for many users through the spawn window (window.ts). Told the hub's spawn
 * limit (--spawn-limit), it keeps at most that many pending and meets no 429. A user that
 * gets a 429 anyway leaves the window (its slot goes to the next user, and the window
 * shrinks to what the hub held for good) and is retried after Retry-After, within that
 * smaller window, so the hub's 30-60 s throttle delays that one user, once, not the run. A slot is only given back
 * once the hub no longer counts the spawn as pending: a spawn that timed out here is
 * stopped first, because the hub holds it until its own start_timeout.
 */
import { RunContext } from './context';
import { spawnServer, stopServer } from './lifecycle';
import { AbortedError } from './pool';
import { Progress } from './progress';
import { Tally } from './stats';
import { SpawnWindow } from './window';

/** Attempts per user when a spawn fails in a way another attempt may fix (hub restart). */
const MAX_SPAWN_ATTEMPTS = 3;
/** A user throttled this often has met a hub that is full, not merely busy. */
const MAX_THROTTLES = 10;
/** Without a Retry-After, wait this long after a 429; JupyterHub's own minimum is 30 s. */
const DEFAULT_THROTTLE_MS = 30_000;
const RESPAWN_DELAY_MS = 2_000;
/**
 * JupyterHub decides on its spawn limit before doing any spawn work, so a 429 comes back
 * within a request's round trip (0.1-0.2 s on a busy loopback hub), while an accepted spawn
 * request stays open until the server is up or slow_spawn_timeout (10 s) passes. A spawn
 * request still unanswered after this long has therefore been accepted. Stretched to twice
 * the slowest 429 seen, for a hub that is slow to answer anything.
 */
const CONFIRM_MS = 1_000;
const MAX_CONFIRM_MS = 10_000;
/**
 * A probe goes out on its own, this long after the spawn request before it and before the
 * one after it: requests sent together may reach the hub in any order, and a 429 that fell
 * on a refill the probe overtook would under-measure the hub's limit.
 */
const PROBE_GAP_MS = 250;

interface Job {
  readonly name: string;
  /** Start order of the current attempt: the hub sees our requests in this order. */
  seq: number;
  startedAt: number;
  /** Started above the level the hub had shown it accepts, and not yet known to be accepted. */
  probe: boolean;
  /** Our spawns pending when this one started, itself included: what its acceptance proves. */
  level: number;
  notBefore: number;
  attempts: number;
  throttles: number;
  firstRequest?: number;
}

export interface SpawnResults {
  readonly ready: number;
  readonly requested: number;
  /** Milliseconds from each ready user's first spawn request to ready. */
  readonly latencies: number[];
  readonly failures: Tally;
  /** The hub's limit as learned from its 429s, or --spawn-limit, or --batch-size (the least). */
  readonly window: number;
}

export async function spawnAll(
  ctx: RunContext,
  names: readonly string[],
  progress: Progress,
): Promise<SpawnResults> {
  const { options, client, signal } = ctx;
  const window = new SpawnWindow(options.batchSize, options.spawnLimit);
  const fresh: Job[] = names.map((name) => ({
    name,
    seq: 0,
    startedAt: 0,
    probe: false,
    level: 0,
    notBefore: 0,
    attempts: 0,
    throttles: 0,
  }));
  const delayed: Job[] = [];
  const latencies: number[] = [];
  const failures = new Tally();
  const running = new Set<Promise<void>>();
  const inFlight = new Set<Job>();
  let started = 0;
  let ready = 0;
  let requested = 0;
  let slowest429 = 0;
  let lastStartAt = -Infinity;
  let lastProbeAt = -Infinity;
  let wake: () => void = () => undefined;
  let timer: NodeJS.Timeout | undefined;

  const confirmMs = (): number => Math.min(MAX_CONFIRM_MS, Math.max(CONFIRM_MS, 2 * slowest429));
  /** The hub took `job` on top of the others pending when it started. */
  const confirm = (job: Job): void => {
    if (!job.probe) return;
    job.probe = false;
    window.onAccepted(job.level);
  };
  /** Confirms the probes old enough to have been accepted; returns how many are still out. */
  const countProbes = (): number => {
    const now = Date.now();
    for (const job of inFlight) if (job.probe && now - job.startedAt >= confirmMs()) confirm(job);
    return [...inFlight].filter((job) => job.probe).length;
  };

  const delay = (job: Job, ms: number): void => {
    job.notBefore = Date.now() + ms;
    delayed.push(job);
    delayed.sort((a, b) => a.notBefore - b.notBefore);
  };

  const fail = (reason: string): void => {
    failures.add(reason);
    progress.failed++;
  };

  /**
   * A spawn that timed out here is still pending in the hub until the hub's own
   * start_timeout, and counts against its limit. Stopping it (waiting out the spawn if the
   * hub refuses to stop it yet) keeps this job's slot taken until the hub has let go.
   */
  const release = async (job: Job): Promise<void> => {
    const stopped = await stopServer(client, job.name, Date.now() + options.timeoutMs, signal);
    if (typeof stopped === 'object') ctx.log.warn(`${job.name}: after the timeout, ${stopped.failed}`);
  };

  const run = async (job: Job): Promise<void> => {
    job.attempts++;
    if (job.firstRequest === undefined) {
      job.firstRequest = Date.now();
      requested++;
      progress.requested = requested;
    }
    try {
      const outcome = await spawnServer(
        client,
        job.name,
        { profile: options.profile, timeoutMs: options.timeoutMs, signal },
        {
          onOutage: () => window.onUnavailable(),
          // No wake-up here: after a 201 the server is up, and the loop must not run before
          // this job has left inFlight, or the next spawns would count it as pending.
          onAccepted: () => confirm(job),
        },
      );
      if (outcome.kind === 'ready') {
        window.onReady();
        latencies.push(Date.now() - job.firstRequest);
        ready++;
        progress.ready = ready;
      } else if (outcome.kind === 'throttled') {
        slowest429 = Math.max(slowest429, Date.now() - job.startedAt);
        // Our spawns sent before this one and still pending are what the hub held for us.
        const accepted = [...inFlight].filter((other) => other.seq < job.seq).length;
        const retryAfterMs = outcome.retryAfterMs ?? DEFAULT_THROTTLE_MS;
        window.onThrottled(accepted);
        client.retries.add('429');
        job.attempts--;
        if (++job.throttles > MAX_THROTTLES) fail('throttled');
        else delay(job, retryAfterMs);
        ctx.log.debug(`${job.name}: throttled, window now ${window.limit}`);
      } else if (outcome.retryable && job.attempts < MAX_SPAWN_ATTEMPTS && !signal.aborted) {
        ctx.log.debug(`${job.name}: ${outcome.reason}, trying again`);
        delay(job, RESPAWN_DELAY_MS);
      } else {
        ctx.log.warn(`${job.name}: ${outcome.reason}`);
        fail(outcome.reason);
        if (outcome.reason === 'timeout') await release(job);
      }
    } catch (err) {
      // Never let one user's surprise reject the run; interrupted spawns are just dropped.
      if (err instanceof AbortedError) return;
      ctx.log.warn(`${job.name}: ${err instanceof Error ? err.message : String(err)}`);
      fail('error');
    }
  };

  const start = (job: Job): void => {
    job.seq = ++started;
    job.startedAt = Date.now();
    job.probe = window.isProbe(inFlight.size);
    lastStartAt = job.startedAt;
    if (job.probe) lastProbeAt = job.startedAt;
    inFlight.add(job);
    job.level = inFlight.size;
    ctx.log.debug(`${job.name}: spawning, ${job.level} pending${job.probe ? ' (a probe)' : ''}`);
    const task: Promise<void> = run(job).finally(() => {
      inFlight.delete(job);
      running.delete(task);
      wake();
    });
    running.add(task);
  };

  const isDue = (): boolean => delayed.length > 0 && delayed[0].notBefore <= Date.now();
  const nextJob = (): Job | undefined => (isDue() ? delayed.shift() : fresh.shift());

  /** When the loop must look again without a slot freeing up first, if ever. */
  const nextWake = (probes: number, held: number | undefined): number | undefined => {
    const now = Date.now();
    const times: number[] = held === undefined ? [] : [held];
    // A throttled user that becomes due can take a free slot.
    if (delayed.length > 0 && delayed[0].notBefore > now && inFlight.size < window.limit) {
      times.push(delayed[0].notBefore);
    }
    // Work waits for a probe to be confirmed, which happens by time alone.
    if (probes > 0 && (fresh.length > 0 || delayed.length > 0)) {
      for (const job of inFlight) if (job.probe) times.push(job.startedAt + confirmMs());
    }
    return times.length > 0 ? Math.min(...times) : undefined;
  };

  const onAbort = (): void => wake();
  signal.addEventListener('abort', onAbort);
  try {
    while (!signal.aborted) {
      let probes = countProbes();
      let held: number | undefined;
      while (window.mayStart(inFlight.size, probes) && (isDue() || fresh.length > 0)) {
        const gapEnds = (window.isProbe(inFlight.size) ? lastStartAt : lastProbeAt) + PROBE_GAP_MS;
        if (Date.now() < gapEnds) {
          held = gapEnds;
          break;
        }
        const job = nextJob() as Job;
        start(job);
        if (job.probe) probes++;
      }
      progress.pending = inFlight.size;
      progress.window = window.limit;
      if (inFlight.size === 0 && fresh.length === 0 && delayed.length === 0) break;
      const at = nextWake(probes, held);
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (at !== undefined) timer = setTimeout(resolve, Math.max(0, at - Date.now()));
      });
      // Woken early (a slot freed, Ctrl-C): a timer left running would hold the process
      // open for up to a minute after the run has ended.
      clearTimeout(timer);
      timer = undefined;
    }
    await Promise.all(running);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
  return { ready, requested, latencies, failures, window: window.learned };
}
