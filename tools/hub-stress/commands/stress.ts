/**
 * `stress`: create users, start their servers through the spawn window, wait for ready,
 * then remove everything this run created (unless --keep), also on error and Ctrl-C.
 */
import { RunContext } from '../context';
import { describeNames, nextIndex, userName } from '../names';
import { createUsers, removeUsers } from '../population';
import { Progress } from '../progress';
import { CleanupSummary, Report } from '../report';
import { SpawnResults, spawnAll } from '../scheduler';
import { Tally, perMinute, summarize } from '../stats';
import { baseReport } from './common';

export async function stress(ctx: RunContext): Promise<Report> {
  const { options, log } = ctx;
  const startedAt = Date.now();
  const existing = (await ctx.client.listTestUsers(options.prefix)).map((u) => u.name);
  const first = nextIndex(options.prefix, existing);
  const names = Array.from({ length: options.count }, (_, i) => userName(options.prefix, first + i));
  if (existing.length > 0) {
    log.info(
      `${existing.length} ${options.prefix} users exist already; they are left alone and numbering starts at ${first}`,
    );
  }
  if (options.dryRun) {
    return {
      ...baseReport(ctx, startedAt),
      interrupted: false,
      kept: options.keep,
      failures: {},
      plan:
        `would create ${describeNames(names)}, start their servers with at most ${options.batchSize} pending` +
        `${options.profile ? ` (profile ${options.profile})` : ''}, then ${options.keep ? 'keep them' : 'stop and delete them'}`,
    };
  }

  const failures = new Tally();
  const progress = new Progress(log, names.length);
  let cleanup: CleanupSummary | undefined;
  let spawned: SpawnResults | undefined;
  let spawnMs = 0;
  let created: string[] = [];
  progress.start();
  try {
    created = await createUsers(ctx, names, failures);
    log.debug(`created ${describeNames(created)}`);
    const spawnStart = Date.now();
    spawned = await spawnAll(ctx, created, progress);
    spawnMs = Date.now() - spawnStart;
  } finally {
    progress.stop();
    if (!options.keep) {
      // Runs on success, on error and after the first Ctrl-C alike.
      const toRemove = [...ctx.ledger];
      if (ctx.signal.aborted)
        log.info(`interrupted: removing ${describeNames(toRemove)}; Ctrl-C again to exit at once`);
      const removal = await removeUsers(ctx, toRemove);
      cleanup = { removed: removal.removed, remaining: ctx.ledger.size, failures: removal.failures.toJSON() };
    }
  }
  if (!spawned) throw new Error('spawning ended without results');
  for (const [reason, n] of Object.entries(spawned.failures.toJSON())) failures.add(reason, n);
  const report = baseReport(ctx, startedAt);
  return {
    ...report,
    interrupted: ctx.signal.aborted,
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
