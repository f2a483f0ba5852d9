/**
 * `stress`: create users, start their servers through the spawn window, wait for ready,
 * then remove everything this run created (unless --keep), also on error and Ctrl-C.
 */
import { RunContext } from '../context';
import { describeNames } from '../names';
import { createUsers } from '../population';
import { Progress } from '../progress';
import { CleanupSummary, Report } from '../report';
import { SpawnResults, spawnAll } from '../scheduler';
import { Tally, perMinute, summarize } from '../stats';
import { baseReport, dryRunReport, finish, newUserNames } from './common';

/** What the dry run promises: --batch-size, or the hub's --spawn-limit if that is lower. */
function pendingBound(options: RunContext['options']): string {
  const { batchSize, spawnLimit } = options;
  if (spawnLimit === undefined) return `${batchSize}`;
  return spawnLimit < batchSize ? `${spawnLimit} (the hub's spawn limit)` : `${batchSize}`;
}

export async function stress(ctx: RunContext): Promise<Report> {
  const { options, log } = ctx;
  const startedAt = Date.now();
  const names = await newUserNames(ctx);
  if (options.dryRun) {
    return dryRunReport(
      ctx,
      startedAt,
      `would create ${describeNames(names)}, start their servers with at most ${pendingBound(options)} pending` +
        `${options.profile ? ` (profile ${options.profile})` : ''}, then ${options.keep ? 'keep them' : 'stop and delete them'}`,
    );
  }

  const failures = new Tally();
  const progress = new Progress(log, names.length);
  let cleanup: CleanupSummary | undefined;
  let spawned: SpawnResults | undefined;
  let spawnMs = 0;
  let created: string[] = [];
  let interrupted = false;
  progress.start();
  try {
    created = await createUsers(ctx, names, failures);
    log.debug(`created ${describeNames(created)}`);
    const spawnStart = Date.now();
    spawned = await spawnAll(ctx, created, progress);
    spawnMs = Date.now() - spawnStart;
  } finally {
    progress.stop();
    ({ interrupted, cleanup } = await finish(ctx));
  }
  if (!spawned) throw new Error('spawning ended without results');
  for (const [reason, n] of Object.entries(spawned.failures.toJSON())) failures.add(reason, n);
  const report = baseReport(ctx, startedAt);
  return {
    ...report,
    interrupted,
    kept: options.keep,
    failures: failures.toJSON(),
    usersCreated: created.length,
    serversRequested: spawned.requested,
    serversReady: spawned.ready,
    spawnLatencyMs: summarize(spawned.latencies),
    spawnsPerMinute: perMinute(spawned.ready, spawnMs),
    spawnWindow: spawned.window,
    cleanup,
  };
}
