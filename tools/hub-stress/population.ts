/** Creating and removing many test users with bounded concurrency, keeping the ledger. */
import { RunContext } from './context';
import { describe } from './hub-client';
import { removeUser } from './lifecycle';
import { mapLimit } from './pool';
import { Tally } from './stats';

/** JupyterHub creates a list of users in one request; 100 keeps each request short. */
const CREATE_CHUNK = 100;

/**
 * Creates `names`; returns those that exist afterwards. Each name enters the ledger before
 * its request is sent, so an interrupted or half-answered request is still cleaned up.
 */
export async function createUsers(
  ctx: RunContext,
  names: readonly string[],
  failures: Tally,
): Promise<string[]> {
  const created: string[] = [];
  for (let i = 0; i < names.length && !ctx.signal.aborted; i += CREATE_CHUNK) {
    const chunk = names.slice(i, i + CREATE_CHUNK);
    chunk.forEach((name) => ctx.ledger.add(name));
    const res = await ctx.client.createUsers(chunk);
    // 409: every name exists already, i.e. a retried request had in fact gone through.
    if (res.ok && (res.status === 201 || res.status === 409)) {
      created.push(...chunk);
    } else {
      ctx.log.warn(`creating ${chunk.length} users failed: ${describe(res)}`);
      failures.add(`create:${res.ok ? `http-${res.status}` : res.code}`, chunk.length);
    }
  }
  return created;
}

export interface RemovalResult {
  readonly removed: number;
  readonly failures: Tally;
}

/** Stops and deletes `names` with at most `--batch-size` in flight; the ledger shrinks as they go. */
export async function removeUsers(ctx: RunContext, names: readonly string[]): Promise<RemovalResult> {
  const failures = new Tally();
  let removed = 0;
  await mapLimit(names, ctx.options.batchSize, async (name) => {
    const outcome = await removeUser(ctx.client, name, ctx.options.timeoutMs);
    if (outcome.removed) {
      removed++;
      ctx.ledger.delete(name);
    } else {
      failures.add(outcome.reason.replace(/ \(.*\)$/, ''));
      ctx.log.warn(`could not remove ${name}: ${outcome.reason}`);
    }
  });
  return { removed, failures };
}
