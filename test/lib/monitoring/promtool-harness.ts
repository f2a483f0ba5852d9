/**
 * Runs the hand-written promtool unit tests in test/lib/monitoring/promtool/ against the
 * rule files the project renders: both go into a temp dir, and each expected alert's
 * static annotations (description, runbook_url) are filled in from the alert's definition,
 * so the test files assert what varies (labels, templated summaries) and stay readable.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { DEFAULT_RUNBOOK_URL, allAlerts, prometheusRuleFiles } from '../../../lib/monitoring/rules';
import { systemTool } from '../../support/tools';

export const PROMTOOL_TESTS_DIR = join(__dirname, 'promtool');

export interface ExpAlert {
  exp_labels?: Record<string, string>;
  exp_annotations?: Record<string, string>;
}
export interface AlertCase {
  eval_time: string;
  alertname: string;
  exp_alerts?: ExpAlert[];
}
export interface PromqlCase {
  expr: string;
  eval_time: string;
}
export interface PromtoolTestFile {
  rule_files: string[];
  tests: { alert_rule_test?: AlertCase[]; promql_expr_test?: PromqlCase[] }[];
}

export function promtoolTestFiles(): Record<string, PromtoolTestFile> {
  return Object.fromEntries(
    readdirSync(PROMTOOL_TESTS_DIR)
      .filter((f) => f.endsWith('.test.yaml'))
      .map((f) => [f, parse(readFileSync(join(PROMTOOL_TESTS_DIR, f), 'utf8')) as PromtoolTestFile]),
  );
}

function withStaticAnnotations(file: PromtoolTestFile): PromtoolTestFile {
  const alerts = new Map(allAlerts().map((a) => [a.alert, a]));
  for (const test of file.tests) {
    for (const c of test.alert_rule_test ?? []) {
      const alert = alerts.get(c.alertname);
      if (!alert) continue; // promtool reports an unknown alert name itself
      for (const exp of c.exp_alerts ?? []) {
        exp.exp_annotations = {
          description: alert.description,
          runbook_url: `${DEFAULT_RUNBOOK_URL}#${alert.runbookSection}`,
          ...exp.exp_annotations,
        };
      }
    }
  }
  return file;
}

export interface ToolRun {
  readonly status: number | null;
  readonly output: string;
}

export function runTool(tool: string, args: readonly string[], cwd: string): ToolRun {
  const res = spawnSync(tool, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  if (res.error) throw res.error;
  return { status: res.status, output: `${res.stdout}${res.stderr}` };
}

/** Writes the rendered rule files into a temp dir, runs `fn` there, removes the dir. */
export function withRuleFiles<T>(fn: (dir: string, files: string[]) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'rules-'));
  try {
    const files = Object.entries(prometheusRuleFiles());
    for (const [name, text] of files) writeFileSync(join(dir, name), text);
    return fn(
      dir,
      files.map(([name]) => name),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function promtool(): string {
  return systemTool('promtool', 'prometheus');
}

/** `promtool test rules` on one hand-written test file. */
export function promtoolTestRules(testFile: string): ToolRun {
  return withRuleFiles((dir) => {
    const file = withStaticAnnotations(promtoolTestFiles()[testFile]);
    writeFileSync(join(dir, testFile), stringify(file, { lineWidth: 0 }));
    return runTool(promtool(), ['test', 'rules', testFile], dir);
  });
}
