/**
 * A summary of one real `terraform plan`, read from `terraform show -json <planfile>`:
 * counts, replaced and destroyed resources first with the plan's own reason
 * (`action_reason`, `replace_paths`), danger in the organiser's words, and the attributes
 * that change. Values marked sensitive (`before_sensitive`, `after_sensitive`) never appear;
 * values of created and replaced resources are never shown at all.
 */
import { Json } from '../policy/types';
import { whatIsLost } from './danger';

export type PlanAction = 'create' | 'update' | 'replace' | 'destroy';

export interface PlannedChange {
  readonly address: string;
  readonly type: string;
  readonly action: PlanAction;
  /** For replacements: Terraform's reason, in words. */
  readonly reason?: string;
  /** For replacements: the attribute paths that force it (`triggers_replace`, `vpc_config[0].subnet_ids`). */
  readonly replacePaths: readonly string[];
  /** For updates: `attr: old -> new`, or `attr (sensitive)`, or `attr` for structured values. */
  readonly changes: readonly string[];
  readonly danger?: string;
}

export interface PlanSummary {
  readonly stack: string;
  readonly counts: Readonly<Record<PlanAction, number>>;
  /** Replaced and destroyed first (dangerous ones first among them), then created, then updated. */
  readonly changes: readonly PlannedChange[];
}

const REASONS: Record<string, string> = {
  replace_because_cannot_update: 'an attribute that cannot be updated in place changes',
  replace_because_tainted: 'the resource is tainted',
  replace_by_request: 'replacement was requested (-replace)',
  replace_by_triggers: 'replace_triggered_by or triggers_replace changed',
};

function actionOf(actions: readonly string[]): PlanAction | undefined {
  if (actions.includes('delete') && actions.includes('create')) return 'replace';
  if (actions.includes('delete')) return 'destroy';
  if (actions.includes('create')) return 'create';
  if (actions.includes('update')) return 'update';
  return undefined;
}

/** `vpc_config[0].subnet_ids` from Terraform's path steps `["vpc_config", 0, "subnet_ids"]`. */
function pathText(steps: readonly (string | number)[]): string {
  return steps.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** True when a sensitivity mask marks the value, or anything inside it, as sensitive. */
function anySensitive(mask: Json): boolean {
  if (mask === true) return true;
  if (Array.isArray(mask)) return mask.some(anySensitive);
  if (mask && typeof mask === 'object') return Object.values(mask).some(anySensitive);
  return false;
}

const MAX_VALUE = 60;

function show(value: Json): string {
  const text = JSON.stringify(value) ?? 'null';
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 3)}...` : text;
}

function isScalar(v: Json): boolean {
  return v === null || v === undefined || typeof v !== 'object';
}

/** The top-level attributes an update changes, with values only where they are plain and not sensitive. */
function updatedAttributes(change: Json): string[] {
  const before = change.before ?? {};
  const after = change.after ?? {};
  const unknown = change.after_unknown ?? {};
  const out: string[] = [];
  for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const isUnknown = anySensitive(unknown[key]);
    if (!isUnknown && JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    if (anySensitive(change.before_sensitive?.[key]) || anySensitive(change.after_sensitive?.[key])) {
      out.push(`${key} (sensitive)`);
    } else if (isUnknown) {
      out.push(`${key}: known after apply`);
    } else if (isScalar(before[key]) && isScalar(after[key])) {
      out.push(`${key}: ${show(before[key])} -> ${show(after[key])}`);
    } else {
      out.push(key);
    }
  }
  return out;
}

const RANK: Record<PlanAction, number> = { replace: 0, destroy: 0, create: 1, update: 2 };

/** Summarizes the JSON of `terraform show -json <planfile>` for `stack`. */
export function summarizePlan(plan: Json, stack: string): PlanSummary {
  const counts: Record<PlanAction, number> = { create: 0, update: 0, replace: 0, destroy: 0 };
  const changes: PlannedChange[] = [];
  for (const rc of plan?.resource_changes ?? []) {
    if (rc.mode !== 'managed') continue;
    const action = actionOf(rc.change?.actions ?? []);
    if (!action) continue;
    counts[action]++;
    const before = rc.change.before;
    changes.push({
      address: rc.address,
      type: rc.type,
      action,
      reason: action === 'replace' ? (REASONS[rc.action_reason] ?? rc.action_reason) : undefined,
      replacePaths: (rc.change.replace_paths ?? []).map(pathText),
      changes: action === 'update' ? updatedAttributes(rc.change) : [],
      danger: action === 'replace' || action === 'destroy' ? whatIsLost(rc.type, before, stack) : undefined,
    });
  }
  changes.sort(
    (a, b) =>
      RANK[a.action] - RANK[b.action] ||
      Number(!a.danger) - Number(!b.danger) ||
      a.address.localeCompare(b.address),
  );
  return { stack, counts, changes };
}

/** `Plan: 1 to add, 1 to change, 1 to replace, 1 to destroy.` */
export function planCountLine(summary: PlanSummary): string {
  const c = summary.counts;
  return `Plan: ${c.create} to add, ${c.update} to change, ${c.replace} to replace, ${c.destroy} to destroy.`;
}

const esc = (text: string): string => text.replace(/\|/g, '\\|');

/** One line per change, for a terminal or a markdown list. */
export function changeLine(c: PlannedChange): string {
  switch (c.action) {
    case 'replace': {
      const paths = c.replacePaths.length > 0 ? `; forced by ${c.replacePaths.join(', ')}` : '';
      return `replace ${c.address}: ${c.reason ?? 'replacement'}${paths}`;
    }
    case 'destroy':
      return `destroy ${c.address}`;
    case 'create':
      return `create ${c.address}`;
    case 'update':
      return `update ${c.address}${c.changes.length > 0 ? `: ${c.changes.join('; ')}` : ''}`;
  }
}

/** The summary as a markdown section of the pull-request comment. */
export function formatPlanMarkdown(summary: PlanSummary): string {
  const lines = [`### \`${summary.stack}\`: ${planCountLine(summary)}`];
  const danger = summary.changes.filter((c) => c.danger);
  if (danger.length > 0) {
    lines.push(
      '',
      '> [!CAUTION]',
      `> **This plan destroys or replaces ${danger.length} resource(s) that matter:**`,
    );
    for (const c of danger) lines.push(`> - \`${c.address}\` (${c.action}): ${esc(c.danger!)}`);
  }
  if (summary.changes.length > 0) lines.push('');
  for (const c of summary.changes) lines.push(`- ${c.danger ? '🔴 ' : ''}${esc(changeLine(c))}`);
  return lines.join('\n');
}
