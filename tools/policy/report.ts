/** The policy report as text for people and as JSON for machines. */
import { PolicyReport, passed } from './engine';
import { Rule } from './types';

export function formatText(report: PolicyReport, rules: readonly Rule[]): string {
  const lines: string[] = [];
  for (const v of report.violations)
    lines.push(`${v.rule} [${v.severity}] ${v.stack} ${v.address}: ${v.message}`);
  for (const risk of report.stale) {
    lines.push(
      `stale accepted risk: ${risk.rule} ${risk.stack} ${risk.resource} matches no violation; remove it or fix its address`,
    );
  }
  const idle = unexamined(report);
  // A rule with no subject anywhere passed vacuously: say so, so a deleted resource type is noticed.
  if (idle.length > 0) lines.push(`${idle.length} rule(s) examined nothing: ${idle.join(', ')}`);
  lines.push(
    `${rules.length} rules on ${report.stacks.length} stacks: ${report.violations.length} violation(s), ` +
      `${report.accepted.length} accepted risk(s), ${report.stale.length} stale: ` +
      (passed(report) ? 'passed' : 'FAILED'),
  );
  return lines.join('\n');
}

export function toJson(report: PolicyReport): object {
  return {
    passed: passed(report),
    stacks: report.stacks,
    violations: report.violations,
    accepted: report.accepted.map(({ violation, justification }) => ({ ...violation, justification })),
    stale: report.stale,
    examined: Object.fromEntries(report.examined),
    examinedNothing: unexamined(report),
  };
}

/** Rules that examined no subject in any stack. */
export function unexamined(report: PolicyReport): string[] {
  return [...report.examined].filter(([, count]) => count === 0).map(([id]) => id);
}
