/**
 * Every recording rule and alert, as the rule files Prometheus loads (file name -> YAML).
 * The monitoring stack puts them into the central Prometheus; `npm run rules -- --out DIR`
 * writes them for a Prometheus run elsewhere.
 */
import { HUB_ALERTS, HUB_RECORDING } from './hub';
import { MONITORING_ALERTS, MONITORING_RECORDING } from './monitoring';
import { NODE_ALERTS, NODE_RECORDING } from './nodes';
import { renderRuleFile } from './render';
import { SERVER_ALERTS, SERVER_RECORDING } from './servers';
import { STORAGE_ALERTS, STORAGE_RECORDING } from './storage';
import { AlertingRule, RecordingRule, RuleFile, isAlert } from './types';

export { SEVERITIES } from './types';
export type { AlertingRule, RecordingRule, RuleFile, RuleGroup, Severity } from './types';

/** The rule files, each a topic: its recording rules first, then the alerts built on them. */
export const RULE_FILES: readonly RuleFile[] = [
  { fileName: 'jupyterhub.rules.yaml', groups: [HUB_RECORDING, HUB_ALERTS] },
  { fileName: 'servers.rules.yaml', groups: [SERVER_RECORDING, SERVER_ALERTS] },
  { fileName: 'storage.rules.yaml', groups: [STORAGE_RECORDING, STORAGE_ALERTS] },
  { fileName: 'nodes.rules.yaml', groups: [NODE_RECORDING, NODE_ALERTS] },
  { fileName: 'monitoring.rules.yaml', groups: [MONITORING_RECORDING, MONITORING_ALERTS] },
];

/**
 * The runbook's path in a checkout of this repository: what alerts link to unless the
 * monitoring config names where it is published (`alertmanager.runbookUrl`).
 */
export const DEFAULT_RUNBOOK_URL = 'docs/runbook.md';

export interface PrometheusRuleOptions {
  /**
   * Where docs/runbook.md can be opened (a repository URL to the file); each alert's
   * runbook_url is this plus `#<section>`.
   * @default 'docs/runbook.md' (the path in this repository)
   */
  readonly runbookUrl?: string;
  /**
   * `for` durations to use instead of the alerts' own, by alert name: for a test profile
   * that must see an alert fire within a test's time. Unknown alert names are an error.
   * @default none (every alert waits its own `for`)
   */
  readonly alertFor?: Readonly<Record<string, string>>;
}

const DURATION = /^([0-9]+(ms|s|m|h|d|w|y))+$/;

export function allAlerts(): AlertingRule[] {
  return RULE_FILES.flatMap((f) => f.groups.flatMap((g) => g.rules.filter(isAlert)));
}

export function allRecordingRules(): RecordingRule[] {
  return RULE_FILES.flatMap((f) =>
    f.groups.flatMap((g) => g.rules.filter((r) => !isAlert(r))),
  ) as RecordingRule[];
}

/** File name -> rule file YAML, as Prometheus' `rule_files` loads it. */
export function prometheusRuleFiles(options: PrometheusRuleOptions = {}): Record<string, string> {
  const alertFor = options.alertFor ?? {};
  const names = new Set(allAlerts().map((a) => a.alert));
  for (const [name, duration] of Object.entries(alertFor)) {
    if (!names.has(name)) {
      throw new Error(`alertFor.${name}: no such alert; alerts are ${[...names].sort().join(', ')}`);
    }
    if (!DURATION.test(duration)) {
      throw new Error(
        `alertFor.${name}: "${duration}" is not a Prometheus duration (such as 30s, 5m, 1h30m)`,
      );
    }
  }
  const runbookUrl = options.runbookUrl ?? DEFAULT_RUNBOOK_URL;
  if (runbookUrl === '' || runbookUrl.includes('#')) {
    throw new Error(
      `runbookUrl: "${runbookUrl}" must name docs/runbook.md without a #section (each alert appends its own)`,
    );
  }
  const render = { runbookUrl, alertFor };
  return Object.fromEntries(RULE_FILES.map((file) => [file.fileName, renderRuleFile(file, render)]));
}
