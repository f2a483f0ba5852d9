/**
 * Prometheus rules as typed values. Every recording rule and every alert states the
 * question it answers; rendering turns that into a comment above the rule, so the YAML
 * Prometheus loads still says why each rule is there.
 */

/** Who is told, and how urgently: each names an Alertmanager receiver. */
export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface RecordingRule {
  /** `level:metric:operations`, Prometheus' naming convention for recorded series. */
  readonly record: string;
  readonly expr: string;
  /** The question the recorded series answers, in a sentence. */
  readonly question: string;
}

export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  /** How long the condition must hold before the alert fires (Prometheus duration). */
  readonly for: string;
  readonly severity: Severity;
  /** What is wrong, in words an organiser understands; may use `{{ $labels.x }}`. */
  readonly summary: string;
  /** What it means and what to look at first. */
  readonly description: string;
  /** The section of docs/runbook.md that says what to do (its anchor, without `#`). */
  readonly runbookSection: string;
  /** The question the alert answers. */
  readonly question: string;
}

export type Rule = RecordingRule | AlertingRule;

export interface RuleGroup {
  readonly name: string;
  /** How often the group is evaluated. @default Prometheus' global evaluation_interval */
  readonly interval?: string;
  readonly rules: readonly Rule[];
}

/** One rule file: the groups Prometheus loads from it. */
export interface RuleFile {
  readonly fileName: string;
  readonly groups: readonly RuleGroup[];
}

export function isAlert(rule: Rule): rule is AlertingRule {
  return 'alert' in rule;
}
