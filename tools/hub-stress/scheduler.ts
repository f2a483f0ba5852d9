/**
 * Starts servers for many users through the AIMD spawn window. A user that gets a 429
 * leaves the window (its slot goes to the next user) and is retried after Retry-After, so
 * the hub's 30-60 s throttle delays that user, not the run.
 */
import { RunContext } from './context';
import { spawnServer } from './lifecycle';
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

interface Job {
  readonly name: string;
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
  readonly window: number;
}

export async function spawnAll(
  ctx: RunContext,
  names: readonly string[],
  progress: Progress,
): Promise<SpawnResults> {
  const { options, client, signal } = ctx;
  const window = new SpawnWindow(options.batchSize, options.batchSize);
  const fresh: Job[] = names.map((name) => ({ name, notBefore: 0, attempts: 0, throttles: 0 }));
  const delayed: Job[] = [];
  const latencies: number[] = [];
  const failures = new Tally();
  const running = new Set<Promise<void>>();
  let inFlight = 0;
  let ready = 0;
  let requested = 0;
  let wake: () => void = () => undefined;
  let timer: NodeJS.Timeout | undefined;

  const delay = (job: Job, ms: number): void => {
    job.notBefore = Date.now() + ms;
    delayed.push(job);
    delayed.sort((a, b) => a.notBefore - b.notBefore);
  };

  const fail = (reason: string): void => {
    failures.add(reason);
    progress.failed++;
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
        () => window.onUnavailable(),
      );
      if (outcome.kind === 'ready') {
        window.onReady();
        latencies.push(Date.now() - job.firstRequest);
        ready++;
        progress.ready = ready;
      } else if (outcome.kind === 'throttled') {
        // The spawns still in flight besides this one are what the hub holds for us.
        window.onThrottled(inFlight - 1);
        client.retries.add('429');
        job.attempts--;
        if (++job.throttles > MAX_THROTTLES) fail('throttled');
        else delay(job, outcome.retryAfterMs ?? DEFAULT_THROTTLE_MS);
        ctx.log.debug(`${job.name}: throttled, window now ${window.limit}`);
      } else if (outcome.retryable && job.attempts < MAX_SPAWN_ATTEMPTS && !signal.aborted) {
        ctx.log.debug(`${job.name}: ${outcome.reason}, trying again`);
        delay(job, RESPAWN_DELAY_MS);
      } else {
        ctx.log.warn(`${job.name}: ${outcome.reason}`);
        fail(outcome.reason);
      }
    } catch (err) {
      // Never let one user's surprise reject the run; interrupted spawns are just dropped.
      if (err instanceof AbortedError) return;
      ctx.log.warn(`${job.name}: ${err instanceof Error ? err.message : String(err)}`);
      fail('error');
    }
  };

  const nextJob = (): Job | undefined => {
    if (delayed.length > 0 && delayed[0].notBefore <= Date.now()) return delayed.shift();
    return fresh.shift();
  };

  const onAbort = (): void => wake();
  signal.addEventListener('abort', onAbort);
  try {
    while (!signal.aborted) {
      for (
        let job = inFlight < window.limit ? nextJob() : undefined;
        job;
        job = inFlight < window.limit ? nextJob() : undefined
      ) {
        inFlight++;
        const task: Promise<void> = run(job).finally(() => {
          inFlight--;
          running.delete(task);
          wake();
        });
        running.add(task);
      }
      progress.pending = inFlight;
      progress.window = window.limit;
      if (inFlight === 0 && fresh.length === 0 && delayed.length === 0) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        // Only a due throttled user can be started without a slot freeing up first.
        if (delayed.length > 0 && inFlight < window.limit) {
          timer = setTimeout(resolve, Math.max(0, delayed[0].notBefore - Date.now()));
        }
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
  return { ready, requested, latencies, failures, window: window.max };
}
