/** Pieces the commands share: report fields, numbering new users, dry runs, the end of a run. */
import { RunContext } from '../context';
import { describeNames, nextIndex, userName } from '../names';
import { removeUsers } from '../population';
import { CleanupSummary, Report } from '../report';
import { summarize } from '../stats';

type Shared = Pick<
  Report,
  'command' | 'endpoint' | 'prefix' | 'dryRun' | 'wallTimeS' | 'retries' | 'apiLatencyMs'
>;

/** The fields every report has, measured from `startedAt` to now. */
export function baseReport(ctx: RunContext, startedAt: number): Shared {
  const { options, client } = ctx;
  return {
    command: options.command,
    endpoint: options.endpoint,
    prefix: options.prefix,
    dryRun: options.dryRun,
    wallTimeS: Math.round((Date.now() - startedAt) / 100) / 10,
    retries: client.retries.toJSON(),
    apiLatencyMs: summarize(client.latencies),
  };
}

/** The report of a --dry-run: what would have happened, nothing changed. */
export function dryRunReport(ctx: RunContext, startedAt: number, plan: string): Report {
  return { ...baseReport(ctx, startedAt), interrupted: false, kept: ctx.options.keep, failures: {}, plan };
}

/** `--count` new names numbered after the existing test users, which are left alone. */
export async function newUserNames(ctx: RunContext): Promise<string[]> {
  const { options } = ctx;
  const existing = (await ctx.client.listTestUsers(options.prefix)).map((u) => u.name);
  const first = nextIndex(options.prefix, existing);
  if (existing.length > 0) {
    ctx.log.info(
      `${existing.length} ${options.prefix} users exist already; they are left alone, numbering starts at ${first}`,
    );
  }
  return Array.from({ length: options.count }, (_, i) => userName(options.prefix, first + i));
}

/**
 * Ends a run: notes whether it was interrupted, then removes every user in the ledger
 * unless --keep. Called from `finally`, so it runs on success, on error and after the
 * first Ctrl-C alike. A Ctrl-C during the cleanup of a finished run does not make it an
 * interrupted one: only a Ctrl-C before its work ended counts.
 */
export async function finish(
  ctx: RunContext,
): Promise<{ interrupted: boolean; cleanup: CleanupSummary | undefined }> {
  const interrupted = ctx.signal.aborted;
  if (ctx.options.keep) return { interrupted, cleanup: undefined };
  const names = [...ctx.ledger];
  if (interrupted)
    ctx.log.info(`interrupted: removing ${describeNames(names)}; Ctrl-C again to exit at once`);
  const removal = await removeUsers(ctx, names);
  return {
    interrupted,
    cleanup: { removed: removal.removed, remaining: ctx.ledger.size, failures: removal.failures.toJSON() },
  };
}
