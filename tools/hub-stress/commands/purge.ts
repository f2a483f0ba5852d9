/** `purge`: stop and delete every `<prefix>-NNNN` user, and nothing else. Idempotent. */
import { RunContext } from '../context';
import { describeNames } from '../names';
import { removeUsers } from '../population';
import { Report } from '../report';
import { baseReport, dryRunReport } from './common';

export async function purge(ctx: RunContext): Promise<Report> {
  const startedAt = Date.now();
  const names = (await ctx.client.listTestUsers(ctx.options.prefix)).map((u) => u.name);
  if (ctx.options.dryRun) {
    return dryRunReport(ctx, startedAt, `would stop and delete ${describeNames(names)}`);
  }
  ctx.log.info(`removing ${describeNames(names)}`);
  const removal = await removeUsers(ctx, names);
  // Ask the hub again rather than trusting our own bookkeeping.
  const remaining = (await ctx.client.listTestUsers(ctx.options.prefix)).length;
  return {
    ...baseReport(ctx, startedAt),
    interrupted: false,
    kept: false,
    failures: removal.failures.toJSON(),
    cleanup: { removed: removal.removed, remaining, failures: removal.failures.toJSON() },
  };
}
