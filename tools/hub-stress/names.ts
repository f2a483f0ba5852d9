/**
 * Names of the users this tool creates: `<prefix>-NNNN`. The exact pattern (prefix, one
 * dash, digits only) is what lets `purge` delete every test user and nothing else, even
 * when a real user's name happens to start with the prefix.
 */

const PAD = 4;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `hub-stress`, 7 -> `hub-stress-0007`. */
export function userName(prefix: string, index: number): string {
  return `${prefix}-${String(index).padStart(PAD, '0')}`;
}

/** The index of a name created with `prefix`, or undefined for any other name. */
export function userIndex(prefix: string, name: string): number | undefined {
  const match = new RegExp(`^${escapeRegExp(prefix)}-(\\d{${PAD},})$`).exec(name);
  return match ? Number(match[1]) : undefined;
}

export function isTestUser(prefix: string, name: string): boolean {
  return userIndex(prefix, name) !== undefined;
}

/** The first index after the highest existing one, so that `--keep` runs add users in steps. */
export function nextIndex(prefix: string, existing: readonly string[]): number {
  let highest = 0;
  for (const name of existing) highest = Math.max(highest, userIndex(prefix, name) ?? 0);
  return highest + 1;
}

/** Compact description of a set of names for messages: `hub-stress-0001..hub-stress-0020 (20 users)`. */
export function describeNames(names: readonly string[]): string {
  if (names.length === 0) return 'no users';
  const sorted = [...names].sort();
  if (sorted.length === 1) return `${sorted[0]} (1 user)`;
  return `${sorted[0]}..${sorted[sorted.length - 1]} (${sorted.length} users)`;
}

/** What an operator reads when a run may have left users behind, and how to remove them. */
export function mayRemainMessage(names: readonly string[], prefix: string): string {
  return `may remain: ${describeNames(names)}; remove with: hub-stress purge --prefix ${prefix}`;
}
