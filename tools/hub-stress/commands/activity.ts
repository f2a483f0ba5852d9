/**
 * `activity`: the load that many running servers put on a hub without running them. Each
 * single-user server posts its activity to the hub every few minutes; here users without
 * servers do so from --workers concurrent workers, back to back, while a separate probe
 * stream measures how long an ordinary API call takes, first idle and then under that load.
 */
import { RunContext } from '../context';
import { describe } from '../hub-client';
import { describeNames } from '../names';
import { createUsers } from '../population';
import { AbortedError, sleep } from '../pool';
import { CleanupSummary, Report } from '../report';
import { Tally, summarize } from '../stats';
import { baseReport, dryRunReport, finish, newUserNames } from './common';

const IDLE_PROBES = 20;
const PROBE_INTERVAL_MS = 200;

/** Times one probe call; counts a failure instead of a latency when it did not answer 200. */
async function probe(ctx: RunContext, name: string, into: number[], failures: Tally): Promise<void> {
  const started = performance.now();
  const res = await ctx.client.getUser(name, ctx.signal);
  if (res.ok && res.status === 200) into.push(performance.now() - started);
  else failures.add(`probe:${describe(res)}`);
}

/** Runs `body`; Ctrl-C during it (an interrupted sleep or request) just ends it early. */
async function interruptible(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    if (!(err instanceof AbortedError)) throw err;
  }
}

/** Runs `body` until `deadline` or Ctrl-C. */
function until(deadline: number, signal: AbortSignal, body: () => Promise<void>): Promise<void> {
  return interruptible(async () => {
    while (Date.now() < deadline && !signal.aborted) await body();
  });
}

export async function activity(ctx: RunContext): Promise<Report> {
  const { options, client, log } = ctx;
  const startedAt = Date.now();
  const names = await newUserNames(ctx);
  if (options.dryRun) {
    return dryRunReport(
      ctx,
      startedAt,
      `would create ${describeNames(names)} without servers, post activity from ${options.workers} workers ` +
        `for ${options.durationMs / 1000} s, then ${options.keep ? 'keep them' : 'delete them'}`,
    );
  }

  const failures = new Tally();
  const idle: number[] = [];
  const loaded: number[] = [];
  const updateLatencies: number[] = [];
  let updates = 0;
  let created: string[] = [];
  let cleanup: CleanupSummary | undefined;
  let loadMs = 0;
  let interrupted = false;
  try {
    created = await createUsers(ctx, names, failures);
    if (created.length === 0 && !ctx.signal.aborted) throw new Error('no user could be created');
    await interruptible(async () => {
      for (let i = 0; i < IDLE_PROBES && !ctx.signal.aborted; i++) {
        await probe(ctx, created[i % created.length], idle, failures);
      }
    });
    log.info(
      `posting activity for ${created.length} users from ${options.workers} workers for ${options.durationMs / 1000} s`,
    );
    const loadStart = Date.now();
    const deadline = loadStart + options.durationMs;
    let next = 0;
    const worker = (): Promise<void> =>
      until(deadline, ctx.signal, async () => {
        const name = created[next++ % created.length];
        const started = performance.now();
        const res = await client.postActivity(name, new Date(), ctx.signal);
        if (res.ok && res.status >= 200 && res.status < 300) {
          updates++;
          updateLatencies.push(performance.now() - started);
        } else {
          failures.add(`activity:${describe(res)}`);
        }
      });
    let probeIndex = 0;
    const prober = until(deadline, ctx.signal, async () => {
      await probe(ctx, created[probeIndex++ % created.length], loaded, failures);
      await sleep(PROBE_INTERVAL_MS, ctx.signal);
    });
    await Promise.all([prober, ...Array.from({ length: options.workers }, worker)]);
    loadMs = Date.now() - loadStart;
  } finally {
    ({ interrupted, cleanup } = await finish(ctx));
  }
  return {
    ...baseReport(ctx, startedAt),
    interrupted,
    kept: options.keep,
    failures: failures.toJSON(),
    usersCreated: created.length,
    apiLatencyMs: summarize(loaded),
    activity: {
      workers: options.workers,
      durationS: Math.round(loadMs / 100) / 10,
      updates,
      updatesPerSecond: loadMs > 0 ? Math.round((updates / (loadMs / 1000)) * 10) / 10 : 0,
      updateLatencyMs: summarize(updateLatencies),
      idleApiLatencyMs: summarize(idle),
    },
    cleanup,
  };
}
