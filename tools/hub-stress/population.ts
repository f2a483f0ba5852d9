/** Creating and removing many test users with bounded concurrency, keeping the ledger. */
import { RunContext } from './context';
import { describe } from './hub-client';
import { removeUser } from './lifecycle';
import { describeNames } from './names';
import { mapLimit } from './pool';
import { StatusLine } from './progress';
import { Tally } from './stats';

/** JupyterHub creates a list of users in one request; 100 keeps each request short. */
const CREATE_CHUNK = 100;

/**
 * Creates `names`; returns those this run created. Each name enters the ledger before its
 * request is sent, so an interrupted or half-answered request is still cleaned up.
 *
 * JupyterHub skips names that exist already and lists only the users it created, so only
 * those are ours. A name it skipped on the first attempt belongs to someone else (say,
 * another run with the same prefix) and leaves the ledger, so cleanup never deletes it.
 * After a retry, a skipped name may have been created by the attempt whose answer was
 * lost, so it is kept.
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
    if (!res.ok || (res.status !== 201 && res.status !== 409)) {
      ctx.log.warn(`creating ${chunk.length} users failed: ${describe(res)}`);
      failures.add(`create:${res.ok ? `http-${res.status}` : res.code}`, chunk.length);
      continue;
    }
    // 409: every name exists already.
    const listed = res.status === 201 ? createdNames(res.body) : [];
    const ours =
      res.retried.length > 0 || listed === undefined ? chunk : chunk.filter((n) => listed.includes(n));
    const theirs = chunk.filter((name) => !ours.includes(name));
    created.push(...ours);
    if (theirs.length > 0) {
      theirs.forEach((name) => ctx.ledger.delete(name));
      ctx.log.warn(`${describeNames(theirs)} existed already; left alone`);
      failures.add('create:exists', theirs.length);
    }
  }
  return created;
}

/** The names in a 201 answer to POST /users (a list of user models); undefined if it is not one. */
function createdNames(body: unknown): string[] | undefined {
  if (!Array.isArray(body)) return undefined;
  return body.flatMap((user: unknown) =>
    user && typeof user === 'object' && 'name' in user && typeof user.name === 'string' ? [user.name] : [],
  );
}

export interface RemovalResult {
  readonly removed: number;
  readonly failures: Tally;
}

/** Stops and deletes `names` with at most `--batch-size` in flight; the ledger shrinks as they go. */
export async function removeUsers(ctx: RunContext, names: readonly string[]): Promise<RemovalResult> {
  const failures = new Tally();
  let removed = 0;
  if (names.length === 0) return { removed, failures };
  const progress = new StatusLine(
    ctx.log,
    (elapsed) =>
      `removing: ${removed + failures.total()}/${names.length}  failed ${failures.total()}  ${elapsed}`,
  );
  progress.start();
  try {
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
  } finally {
    progress.stop();
  }
  return { removed, failures };
}
