/**
 * Compares two synth outputs stack by stack, the way Terraform would see the change if the
 * state matched the base: resources created, updated in place, replaced (with the attribute
 * that forces it, or the replaced resource it refers to), destroyed; stacks added and
 * removed; renamed construct ids that would destroy and recreate a resource; Helm values
 * keys per release; provider and backend changes.
 */
import { referencesIn } from '../policy/hcl';
import { Json } from '../policy/types';
import { whatIsLost } from './danger';
import { FORCE_NEW, forcingAttributes } from './force-new';
import { ValuesChange, releaseValuesChange } from './helm-values';

export type Action = 'create' | 'update' | 'replace' | 'destroy' | 'move';

export interface ResourceChange {
  readonly stack: string;
  /** Terraform address, `aws_efs_file_system.shared-storage_file-system_8E232914`. */
  readonly address: string;
  readonly type: string;
  /** The construct path (`hub-cluster-dev/shared-storage/file-system`), when known. */
  readonly constructPath?: string;
  readonly action: Action;
  /** Attribute paths whose configured value changes (updates and replacements). */
  readonly changed: readonly string[];
  /** The changed attributes that force the replacement. */
  readonly forcedBy: readonly string[];
  /** For a replacement forced through a reference: why. */
  readonly because?: string;
  /** For a resource kept through a `moved` block: its old address. */
  readonly movedFrom?: string;
  /** What would be lost, for a destroy or replacement of something that matters. */
  readonly danger?: string;
  /** For a helm_release: which values keys change and what that does to people. */
  readonly values?: ValuesChange;
}

/** A destroy and a create of the same type and (nearly) the same configuration. */
export interface MoveSuggestion {
  readonly stack: string;
  readonly type: string;
  readonly from: string;
  readonly to: string;
  readonly fromPath?: string;
  readonly toPath?: string;
  /** Share of configured values that are equal, 0..1. */
  readonly similarity: number;
}

export interface StackDiff {
  readonly id: string;
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  /** Stacks this one reads from (cdktf's cross-stack references), for ordering. */
  readonly dependsOn: readonly string[];
  readonly changes: readonly ResourceChange[];
  readonly moves: readonly MoveSuggestion[];
  /** Provider, backend and stack-level remarks. */
  readonly notes: readonly string[];
  /** Resources in the stack (head, or base for a removed stack). */
  readonly resourceCount: number;
}

export interface DiffReport {
  /** What was compared, for the header: `main (1a2b3c4)`, `working tree`. */
  readonly base: string;
  readonly head: string;
  /** In dependency order: a stack comes after the stacks it reads from. */
  readonly stacks: readonly StackDiff[];
}

/** Two similar resources are a likely rename when at least this share of their values agree. */
export const MOVE_SIMILARITY = 0.8;

/** Keys of a resource body that are not resource arguments. */
const NOT_ARGUMENTS = new Set(['//', 'depends_on', 'provider']);

type Leaves = Map<string, string>;

/** Flattens a resource body to leaf paths (`a.b`, `list[0].c`) and their JSON values. */
export function leaves(value: Json, prefix = '', out: Leaves = new Map()): Leaves {
  if (Array.isArray(value) && value.length > 0) {
    value.forEach((v, i) => leaves(v, `${prefix}[${i}]`, out));
  } else if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) {
      if (!prefix && NOT_ARGUMENTS.has(k)) continue;
      leaves(v, prefix ? `${prefix}.${k}` : k, out);
    }
  } else if (prefix) {
    out.set(prefix, JSON.stringify(value));
  }
  return out;
}

/**
 * The attribute a leaf belongs to, as people name it: list indexes dropped
 * (`instance_types[0]` is `instance_types`, `default_tags[0].tags.team` is `default_tags.tags.team`).
 */
function attributeOf(path: string): string {
  return path.replace(/\[\d+\]/g, '');
}

/** Changed attribute paths between two bodies, collapsed to attributes. */
export function changedAttributes(before: Json, after: Json): string[] {
  const a = leaves(before);
  const b = leaves(after);
  const changed = new Set<string>();
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    if (a.get(path) !== b.get(path)) changed.add(attributeOf(path));
  }
  return [...changed].sort();
}

/** Share of leaf values two bodies have in common, over all leaf paths of either. */
export function similarity(before: Json, after: Json): number {
  const a = leaves(before);
  const b = leaves(after);
  const all = new Set([...a.keys(), ...b.keys()]);
  if (all.size === 0) return 1;
  let same = 0;
  for (const path of all) if (a.has(path) && a.get(path) === b.get(path)) same++;
  return same / all.size;
}

/** A value at a dotted attribute path, blocks written as objects or one-element lists. */
function valueAt(body: Json, path: string): Json {
  let v: Json = body;
  for (const key of path.split('.')) {
    if (Array.isArray(v)) v = v[0];
    v = v?.[key];
  }
  return v;
}

function resourcesOf(stack: Json): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const [type, named] of Object.entries<Json>(stack?.resource ?? {})) {
    for (const [name, body] of Object.entries<Json>(named)) out.set(`${type}.${name}`, body);
  }
  return out;
}

const typeOf = (address: string): string => address.slice(0, address.indexOf('.'));
const pathOf = (body: Json): string | undefined => body?.['//']?.metadata?.path;

/** Renames every `${<to>.` reference to `${<from>.`, so a moved resource's dependents compare equal. */
function renameReferences(body: Json, renames: ReadonlyMap<string, string>): Json {
  if (renames.size === 0) return body;
  let text = JSON.stringify(body);
  for (const [to, from] of renames) text = text.split(`${to}.`).join(`${from}.`);
  return JSON.parse(text);
}

/** The stacks a stack reads from: cdktf names its remote-state inputs after them. */
function dependenciesOf(stack: Json): string[] {
  return Object.keys(stack?.data?.terraform_remote_state ?? {})
    .map((name) => /^cross-stack-reference-input-(.+)$/.exec(name)?.[1])
    .filter((id): id is string => id !== undefined)
    .sort();
}

function providerNotes(base: Json, head: Json): string[] {
  const notes: string[] = [];
  const names = new Set([...Object.keys(base?.provider ?? {}), ...Object.keys(head?.provider ?? {})]);
  for (const name of [...names].sort()) {
    // Each provider is a list of configurations (the default one, then aliases).
    const [before, after] = [base?.provider?.[name], head?.provider?.[name]].map((v) =>
      Array.isArray(v) ? v : [v],
    );
    const changed = [
      ...new Set(
        Array.from({ length: Math.max(before.length, after.length) }, (_, i) =>
          changedAttributes(before[i], after[i]),
        ).flat(),
      ),
    ];
    if (changed.length === 0) continue;
    const tags = changed.filter((p) => p.startsWith('default_tags'));
    if (tags.length > 0) {
      notes.push(
        `provider ${name}: default tags change (${tags.join(', ')}): every tagged resource of this stack is updated in place, tags only`,
      );
    }
    const rest = changed.filter((p) => !p.startsWith('default_tags'));
    if (rest.length > 0) notes.push(`provider ${name}: settings change (${rest.join(', ')})`);
  }
  const backend = changedAttributes(base?.terraform?.backend, head?.terraform?.backend);
  if (backend.length > 0) {
    notes.push(
      `the state moves (${backend.join(', ')}): run \`terraform init -migrate-state\` in this stack before the next apply, or Terraform starts from an empty state and creates everything again`,
    );
  }
  return notes;
}

/** Data sources that now look up something else (a cluster by another name, another zone). */
function lookupNotes(base: Json, head: Json, outputs: ReadonlyMap<string, string>): string[] {
  const notes: string[] = [];
  for (const [type, named] of Object.entries<Json>(base?.data ?? {})) {
    for (const [name, before] of Object.entries<Json>(named)) {
      const after = head?.data?.[type]?.[name];
      if (after === undefined) continue;
      const changed = changedAttributes(before, renameOutputs(after, outputs));
      if (changed.length > 0)
        notes.push(`data.${type}.${name} now looks up something else (${changed.join(', ')})`);
    }
  }
  return notes;
}

/** Compares one stack present in both outputs. */
/** `moved` blocks (cdktf's moveTo/moveFromId) that keep a base resource under a new address: new -> old. */
function movedRenames(base: Json, head: Json): Map<string, string> {
  const baseBodies = resourcesOf(base);
  const headBodies = resourcesOf(head);
  const renames = new Map<string, string>();
  for (const moved of head?.moved ?? []) {
    if (baseBodies.has(moved.from) && headBodies.has(moved.to) && !baseBodies.has(moved.to)) {
      renames.set(moved.to, moved.from);
    }
  }
  return renames;
}

/**
 * cdktf names a cross-stack output after the construct it reads, so a moved resource also
 * renames the outputs that carry its attributes to other stacks. Maps each new output name
 * to the base output that has the same value.
 */
function outputRenames(
  base: ReadonlyMap<string, Json>,
  head: ReadonlyMap<string, Json>,
): Map<string, string> {
  const renames = new Map<string, string>();
  for (const [id, after] of head) {
    const before = base.get(id);
    if (!before) continue;
    const moved = movedRenames(before, after);
    const baseOutputs: Record<string, Json> = before.output ?? {};
    const headOutputs: Record<string, Json> = after.output ?? {};
    const gone = new Map(
      Object.entries(baseOutputs)
        .filter(([name]) => !(name in headOutputs))
        .map(([name, o]) => [JSON.stringify(o?.value), name]),
    );
    for (const [name, o] of Object.entries(headOutputs)) {
      const old =
        name in baseOutputs ? undefined : gone.get(JSON.stringify(renameReferences(o?.value, moved)));
      if (old) renames.set(name, old);
    }
  }
  return renames;
}

function renameOutputs(body: Json, renames: ReadonlyMap<string, string>): Json {
  if (renames.size === 0) return body;
  let text = JSON.stringify(body);
  for (const [to, from] of renames) {
    const escaped = to.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    text = text.replace(new RegExp(`outputs\\.${escaped}(?![\\w-])`, 'g'), `outputs.${from}`);
  }
  return JSON.parse(text);
}

function compareStack(id: string, base: Json, head: Json, outputs: ReadonlyMap<string, string>): StackDiff {
  const baseBodies = resourcesOf(base);
  const rawHead = resourcesOf(head);
  const renames = movedRenames(base, head);
  const headBodies = new Map<string, Json>();
  for (const [address, body] of rawHead) {
    headBodies.set(renames.get(address) ?? address, renameOutputs(renameReferences(body, renames), outputs));
  }
  const current = (address: string): string =>
    [...renames].find(([, from]) => from === address)?.[0] ?? address;

  const changes = new Map<string, ResourceChange>();
  for (const [address, before] of baseBodies) {
    const after = headBodies.get(address);
    const type = typeOf(address);
    if (after === undefined) {
      changes.set(address, {
        stack: id,
        address,
        type,
        constructPath: pathOf(before),
        action: 'destroy',
        changed: [],
        forcedBy: [],
        danger: whatIsLost(type, before, id),
      });
      continue;
    }
    const changed = changedAttributes(before, after);
    const moved = renames.has(current(address)) ? address : undefined;
    if (changed.length === 0 && !moved) continue;
    const forcedBy = forcingAttributes(type, changed);
    const values =
      type === 'helm_release' && changed.includes('values')
        ? releaseValuesChange(String(after.chart ?? before.chart), before, after)
        : undefined;
    changes.set(address, {
      stack: id,
      address: current(address),
      type,
      constructPath: pathOf(after),
      action: forcedBy.length > 0 ? 'replace' : changed.length > 0 ? 'update' : 'move',
      changed,
      forcedBy,
      movedFrom: moved,
      danger: forcedBy.length > 0 ? whatIsLost(type, before, id) : undefined,
      values,
    });
  }
  for (const [address, body] of headBodies) {
    if (baseBodies.has(address)) continue;
    changes.set(address, {
      stack: id,
      address,
      type: typeOf(address),
      constructPath: pathOf(body),
      action: 'create',
      changed: [],
      forcedBy: [],
    });
  }

  // A replaced resource gets a new id and arn: a resource whose force-new attribute refers
  // to it is replaced too (a node group's cluster_name, a mount target's file_system_id).
  for (let grew = true; grew;) {
    grew = false;
    const replaced = new Set(
      [...changes.values()].filter((c) => c.action === 'replace').map((c) => c.address),
    );
    for (const [address, after] of headBodies) {
      const type = typeOf(address);
      const previous = changes.get(address);
      if (!FORCE_NEW[type] || !baseBodies.has(address) || previous?.action === 'replace') continue;
      for (const attribute of FORCE_NEW[type].attributes) {
        const value = valueAt(after, attribute);
        if (value === undefined) continue;
        const refs = referencesIn(JSON.stringify(value)).map((r) => r.address);
        const target = refs.find((ref) => replaced.has(current(ref)));
        if (!target) continue;
        changes.set(address, {
          stack: id,
          address: current(address),
          type,
          constructPath: pathOf(after),
          action: 'replace',
          changed: previous?.changed ?? [],
          forcedBy: [attribute],
          movedFrom: previous?.movedFrom,
          because: `${attribute} refers to ${current(target)}, which is replaced`,
          danger: whatIsLost(type, baseBodies.get(address), id),
        });
        grew = true;
        break;
      }
    }
  }

  const list = [...changes.values()];
  const notes = [...providerNotes(base, head), ...lookupNotes(base, head, outputs)];
  return {
    id,
    status: list.length > 0 || notes.length > 0 ? 'changed' : 'unchanged',
    dependsOn: dependenciesOf(head),
    changes: sortChanges(list),
    moves: suggestMoves(id, list, baseBodies, rawHead),
    notes,
    resourceCount: rawHead.size,
  };
}

const ORDER: Record<Action, number> = { destroy: 0, replace: 1, create: 2, update: 3, move: 4 };

function sortChanges(changes: ResourceChange[]): ResourceChange[] {
  return changes.sort(
    (a, b) =>
      Number(!a.danger) - Number(!b.danger) ||
      ORDER[a.action] - ORDER[b.action] ||
      a.address.localeCompare(b.address),
  );
}

/** Pairs each destroyed resource with the most similar created one of its type. */
function suggestMoves(
  stack: string,
  changes: readonly ResourceChange[],
  base: Map<string, Json>,
  head: Map<string, Json>,
): MoveSuggestion[] {
  const created = changes.filter((c) => c.action === 'create');
  const taken = new Set<string>();
  const moves: MoveSuggestion[] = [];
  for (const gone of changes.filter((c) => c.action === 'destroy')) {
    let best: { address: string; score: number } | undefined;
    for (const candidate of created) {
      if (candidate.type !== gone.type || taken.has(candidate.address)) continue;
      const score = similarity(base.get(gone.address), head.get(candidate.address));
      if (score >= MOVE_SIMILARITY && (!best || score > best.score))
        best = { address: candidate.address, score };
    }
    if (!best) continue;
    taken.add(best.address);
    moves.push({
      stack,
      type: gone.type,
      from: gone.address,
      to: best.address,
      fromPath: pathOf(base.get(gone.address)),
      toPath: pathOf(head.get(best.address)),
      similarity: best.score,
    });
  }
  return moves;
}

/** Orders stacks so that each comes after the stacks it reads from (then by id). */
function dependencyOrder(stacks: StackDiff[]): StackDiff[] {
  const byId = new Map(stacks.map((s) => [s.id, s]));
  const done = new Set<string>();
  const out: StackDiff[] = [];
  const visit = (s: StackDiff, seen: Set<string>): void => {
    if (done.has(s.id) || seen.has(s.id)) return;
    seen.add(s.id);
    for (const dep of s.dependsOn) {
      const d = byId.get(dep);
      if (d) visit(d, seen);
    }
    done.add(s.id);
    out.push(s);
  };
  for (const s of [...stacks].sort((a, b) => a.id.localeCompare(b.id))) visit(s, new Set());
  return out;
}

/** Compares every stack of two synth outputs (stack id → parsed `cdk.tf.json`). */
export function compareSynths(
  base: ReadonlyMap<string, Json>,
  head: ReadonlyMap<string, Json>,
  labels: { base: string; head: string },
): DiffReport {
  const stacks: StackDiff[] = [];
  const outputs = outputRenames(base, head);
  for (const id of new Set([...base.keys(), ...head.keys()])) {
    const before = base.get(id);
    const after = head.get(id);
    if (before && after) {
      stacks.push(compareStack(id, before, after, outputs));
      continue;
    }
    const json = (after ?? before) as Json;
    stacks.push({
      id,
      status: after ? 'added' : 'removed',
      dependsOn: dependenciesOf(json),
      changes: [],
      moves: [],
      notes: after
        ? []
        : [
            `the stack is no longer in the application; its resources stay in AWS until \`cdktf destroy ${id}\` is run from a commit that still has it`,
          ],
      resourceCount: resourcesOf(json).size,
    });
  }
  return { ...labels, stacks: dependencyOrder(stacks) };
}

/** Every change flagged as dangerous, in report order. */
export function dangers(report: DiffReport): ResourceChange[] {
  return report.stacks.flatMap((s) => s.changes.filter((c) => c.danger !== undefined));
}

/** Counts of changes by action for one stack. */
export function counts(stack: StackDiff): Record<Action, number> {
  const out: Record<Action, number> = { create: 0, update: 0, replace: 0, destroy: 0, move: 0 };
  for (const c of stack.changes) out[c.action]++;
  return out;
}
