/**
 * Renders rule files as Prometheus loads them, each rule preceded by a comment stating
 * the question it answers.
 */
import { Document, YAMLMap, YAMLSeq } from 'yaml';
import { AlertingRule, RuleFile, RuleGroup, isAlert } from './types';

export interface RenderOptions {
  /** Where docs/runbook.md is published; an alert's runbook_url is this plus `#section`. */
  readonly runbookUrl: string;
  /** Per-alert `for` overrides (a test profile's shorter waits). */
  readonly alertFor: Readonly<Record<string, string>>;
}

function alertBody(rule: AlertingRule, options: RenderOptions): Record<string, unknown> {
  return {
    alert: rule.alert,
    expr: rule.expr,
    for: options.alertFor[rule.alert] ?? rule.for,
    labels: { severity: rule.severity },
    annotations: {
      summary: rule.summary,
      description: rule.description,
      runbook_url: `${options.runbookUrl}#${rule.runbookSection}`,
    },
  };
}

function groupBody(group: RuleGroup, options: RenderOptions): Record<string, unknown> {
  return {
    name: group.name,
    ...(group.interval ? { interval: group.interval } : {}),
    rules: group.rules.map((rule) =>
      isAlert(rule) ? alertBody(rule, options) : { record: rule.record, expr: rule.expr },
    ),
  };
}

export function renderRuleFile(file: RuleFile, options: RenderOptions): string {
  const doc = new Document({ groups: file.groups.map((g) => groupBody(g, options)) });
  doc.commentBefore = ` ${file.fileName}: generated from lib/monitoring/rules; edit the TypeScript, not this file.`;
  const groups = doc.get('groups') as YAMLSeq<YAMLMap>;
  file.groups.forEach((group, g) => {
    const rules = groups.items[g].get('rules') as YAMLSeq<YAMLMap>;
    group.rules.forEach((rule, r) => {
      rules.items[r].commentBefore = ` ${rule.question}`;
    });
  });
  return doc.toString({ lineWidth: 0 });
}
