/** Small helpers rules share: building outcomes and reading common shapes. */
import { Outcome } from '../types';

/** A passed outcome when `problems` is empty, else one failure listing them. */
export function outcome(address: string, problems: readonly (string | false | undefined)[]): Outcome {
  const found = problems.filter((p): p is string => typeof p === 'string');
  return found.length ? { address, failure: found.join('; ') } : { address };
}

/** JSON spelling of a value for messages. */
export function show(value: unknown): string {
  return value === undefined ? 'unset' : JSON.stringify(value);
}

/** CIDRs that mean "anywhere". */
export const ANYWHERE = ['0.0.0.0/0', '::/0'];
