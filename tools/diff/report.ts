/**
 * The offline diff as text for a terminal, markdown for a pull-request comment, and JSON
 * for tools. Dangers come first in every form.
 */
import { Action, DiffReport, MoveSuggestion, ResourceChange, StackDiff, counts, dangers } from './compare';

const VERB: Record<Action, string> = {
  create: 'create',
  update: 'update in place',
  replace: 'replace',
  destroy: 'destroy',
  move: 'moved',
};
const SIGN: Record<Action, string> = { create: '+', update: '~', replace: '-/+', destroy: '-', move: '>' };

/** `1 to create, 2 to update in place, ...`, leaving out zeros. */
export function countLine(stack: StackDiff): string {
  const c = counts(stack);
  const parts = (['create', 'update', 'replace', 'destroy', 'move'] as const)
    .filter((a) => c[a] > 0)
    .map((a) => `${c[a]} to ${a === 'move' ? 'move' : VERB[a]}`);
  return parts.length > 0 ? parts.join(', ') : 'no resource changes';
}

/** Why and how, in one line: `instance_types forces replacement`, `tags.team`. */
export function detail(change: ResourceChange): string {
  if (change.action === 'replace') {
    return change.because ?? `${change.forcedBy.join(', ')} forces replacement`;
  }
  if (change.action === 'update') return change.changed.join(', ');
  if (change.action === 'move') return `moved from ${change.movedFrom}`;
  return '';
}

/** How to keep a resource whose construct id was renamed, with cdktf's API and Terraform's. */
export function moveAdvice(move: MoveSuggestion): string[] {
  const pct = Math.round(move.similarity * 100);
  return [
    `renamed construct id? ${move.type} ${move.fromPath ?? move.from} -> ${move.toPath ?? move.to} (${pct}% the same configuration)`,
    `  Terraform would destroy ${move.from} and create ${move.to} empty.`,
    `  To keep the resource, call this on it in the construct that creates it (cdktf then writes the moved block):`,
    `    <resource>.moveFromId('${move.from}');`,
    `  or add a moved block (moved { from = ${move.from}  to = ${move.to} }), or keep the old construct id.`,
  ];
}

function header(report: DiffReport): string {
  return `Offline diff of the synthesized stacks: ${report.base} -> ${report.head}`;
}

/** The plain summary for a terminal. */
export function formatText(report: DiffReport): string {
  const lines = [header(report), ''];
  const danger = dangers(report);
  if (danger.length > 0) {
    lines.push(`DANGER: ${danger.length} change(s) would destroy data or interrupt people:`);
    for (const d of danger) {
      lines.push(
        `  ! ${d.stack}: ${VERB[d.action]} ${d.address}${d.constructPath ? ` [${d.constructPath}]` : ''}`,
      );
      lines.push(`      ${d.danger}`);
    }
  } else {
    lines.push('No danger: nothing that holds data or that people depend on is destroyed or replaced.');
  }
  const unchanged: string[] = [];
  for (const stack of report.stacks) {
    if (stack.status === 'unchanged') {
      unchanged.push(stack.id);
      continue;
    }
    lines.push('');
    if (stack.status === 'added') {
      lines.push(`${stack.id}: new stack, ${stack.resourceCount} resources to create`);
      continue;
    }
    if (stack.status === 'removed') {
      lines.push(`${stack.id}: stack removed (${stack.resourceCount} resources)`);
      for (const note of stack.notes) lines.push(`  note: ${note}`);
      continue;
    }
    lines.push(`${stack.id}: ${countLine(stack)}`);
    for (const c of stack.changes) {
      const why = detail(c);
      lines.push(
        `  ${SIGN[c.action].padEnd(3)} ${VERB[c.action]} ${c.address}${why ? `: ${why}` : ''}${c.danger ? '  DANGER' : ''}`,
      );
      if (c.values) {
        lines.push(`      values keys: ${c.values.keys.join(', ')}`);
        for (const effect of c.values.effects) lines.push(`      -> ${effect}`);
      }
    }
    for (const move of stack.moves) for (const line of moveAdvice(move)) lines.push(`  ${line}`);
    for (const note of stack.notes) lines.push(`  note: ${note}`);
  }
  if (unchanged.length > 0) lines.push('', `unchanged: ${unchanged.join(', ')}`);
  return lines.join('\n');
}

const md = (text: string): string => text.replace(/\|/g, '\\|');

/** Markdown for a pull-request comment. */
export function formatMarkdown(report: DiffReport): string {
  const lines = [
    '## Offline diff (no credentials needed)',
    '',
    `${md(report.base)} → ${md(report.head)}`,
    '',
  ];
  const danger = dangers(report);
  if (danger.length > 0) {
    lines.push('> [!CAUTION]', `> **${danger.length} change(s) would destroy data or interrupt people**`);
    for (const d of danger) {
      lines.push(`> - \`${d.stack}\` **${VERB[d.action]}** \`${d.address}\`: ${md(d.danger ?? '')}`);
    }
  } else {
    lines.push('No danger: nothing that holds data or that people depend on is destroyed or replaced.');
  }
  const unchanged: string[] = [];
  for (const stack of report.stacks) {
    if (stack.status === 'unchanged') {
      unchanged.push(`\`${stack.id}\``);
      continue;
    }
    lines.push('');
    if (stack.status === 'added') {
      lines.push(`### \`${stack.id}\`: new stack, ${stack.resourceCount} resources to create`);
      continue;
    }
    if (stack.status === 'removed') {
      lines.push(`### \`${stack.id}\`: stack removed (${stack.resourceCount} resources)`, '');
      for (const note of stack.notes) lines.push(`- ${md(note)}`);
      continue;
    }
    lines.push(`### \`${stack.id}\`: ${countLine(stack)}`);
    if (stack.changes.length > 0) {
      lines.push('', '| action | resource | what changes |', '|---|---|---|');
      for (const c of stack.changes) {
        const what = [detail(c), c.danger ? `**danger: ${c.danger}**` : '']
          .filter(Boolean)
          .map(md)
          .join('<br>');
        const where = c.constructPath ? `<br><sub>${md(c.constructPath)}</sub>` : '';
        lines.push(`| ${c.danger ? '🔴 ' : ''}${VERB[c.action]} | \`${c.address}\`${where} | ${what} |`);
      }
    }
    for (const c of stack.changes.filter((x) => x.values)) {
      lines.push(
        '',
        `**Helm values of \`${c.address}\`**: ${c.values!.keys.map((k) => `\`${k}\``).join(', ')}`,
      );
      for (const effect of c.values!.effects) lines.push(`- ${md(effect)}`);
    }
    for (const move of stack.moves) {
      const pct = Math.round(move.similarity * 100);
      lines.push(
        '',
        '> [!WARNING]',
        `> **Renamed construct id?** \`${move.type}\` \`${move.fromPath ?? move.from}\` → \`${move.toPath ?? move.to}\` ` +
          `(${pct}% the same configuration). Terraform would destroy \`${move.from}\` and create \`${move.to}\` empty. ` +
          'To keep the resource, call this on it in the construct that creates it (cdktf then writes the `moved` block), ' +
          'or keep the old construct id:',
        '>',
        '> ```ts',
        `> <resource>.moveFromId('${move.from}');`,
        '> ```',
      );
    }
    for (const note of stack.notes) lines.push('', `- ${md(note)}`);
  }
  if (unchanged.length > 0) lines.push('', `Unchanged: ${unchanged.join(', ')}`);
  return lines.join('\n');
}

/** The report as JSON for tools: the comparison plus the dangers, listed once more at the top. */
export function toJson(report: DiffReport): object {
  return { base: report.base, head: report.head, dangers: dangers(report), stacks: report.stacks };
}
