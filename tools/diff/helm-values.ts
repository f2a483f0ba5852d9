/**
 * Which Helm values keys a change touches, per release, and what that does to people. The
 * zero-to-jupyterhub chart puts all of its values into the hub's Secret and restarts the
 * hub on any change to it (the `checksum/secret` annotation of the hub Deployment), so every
 * values change of that release restarts the hub; some keys do more.
 */
import { parse } from 'yaml';
import { Json } from '../policy/types';

/** The changed keys of one release and their effects on people. */
export interface ValuesChange {
  /** Dotted key paths that were added, removed or changed (`singleuser.profileList`). */
  readonly keys: readonly string[];
  /** One sentence per effect, most disruptive first. */
  readonly effects: readonly string[];
}

/** Merges a release's `values` documents in order, as Helm does (maps deep, everything else replaced). */
export function mergedValues(documents: unknown): Json {
  const docs = Array.isArray(documents) ? documents : documents === undefined ? [] : [documents];
  const merge = (a: Json, b: Json): Json => {
    if (!isMap(a) || !isMap(b)) return b;
    const out: Json = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = k in a ? merge(a[k], v) : v;
    return out;
  };
  return docs.reduce<Json>((acc, doc) => merge(acc, typeof doc === 'string' ? (parse(doc) ?? {}) : {}), {});
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Key paths whose values differ. Maps are followed key by key; a list counts as one value
 * (a changed profile list is `singleuser.profileList`), so the list is what the reader sees.
 */
export function changedKeys(before: Json, after: Json, prefix = ''): string[] {
  if (isMap(before) && isMap(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => changedKeys(before[k], after[k], prefix ? `${prefix}.${k}` : k));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix || '(all values)'];
}

const under = (key: string, prefix: string): boolean => key === prefix || key.startsWith(`${prefix}.`);

/** What a values change of `chart` does to people. */
export function valuesEffects(chart: string, keys: readonly string[]): string[] {
  if (keys.length === 0) return [];
  if (chart !== 'jupyterhub') {
    return [
      `the ${chart} pods restart with the new values; users are not affected unless ${chart} is down for long`,
    ];
  }
  const effects: string[] = [];
  if (keys.some((k) => under(k, 'proxy'))) {
    effects.push(
      'the proxy restarts: every open connection drops; notebooks reconnect by themselves, kernels keep running',
    );
  }
  effects.push(
    'the hub restarts: for about a minute nobody can log in or start a server; running servers keep running',
  );
  if (keys.some((k) => under(k, 'singleuser.image'))) {
    effects.push(
      'the single-user image changes for servers started afterwards only; running servers keep their image until they are stopped',
    );
  }
  if (keys.some((k) => under(k, 'singleuser.profileList'))) {
    effects.push('the server options (profiles) change on the spawn page; running servers are not affected');
  }
  if (
    keys.some(
      (k) => under(k, 'singleuser') && !under(k, 'singleuser.image') && !under(k, 'singleuser.profileList'),
    )
  ) {
    effects.push('other single-user settings apply to servers started afterwards');
  }
  if (keys.some((k) => under(k, 'scheduling.userPlaceholder'))) {
    effects.push(
      'placeholder pods are recreated: the head room for fast starts is rebuilt over a few minutes',
    );
  }
  return effects;
}

/** The values change between two helm_release bodies, or undefined when the values are the same. */
export function releaseValuesChange(chart: string, before: Json, after: Json): ValuesChange | undefined {
  const keys = changedKeys(mergedValues(before?.values), mergedValues(after?.values));
  if (keys.length === 0) return undefined;
  return { keys, effects: valuesEffects(chart, keys) };
}
