/**
 * The rules with the real promtool (Debian's `prometheus` package): the rendered files
 * pass `promtool check rules`, and the hand-written unit tests in ./promtool pass
 * `promtool test rules`. Every alert has a case where it fires and one where it does not,
 * and every recording rule is evaluated by at least one test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { allAlerts, allRecordingRules, prometheusRuleFiles, RULE_FILES } from '../../../lib/monitoring/rules';
import { REPO_ROOT } from '../../support/tools';
import { promtool, promtoolTestFiles, promtoolTestRules, runTool, withRuleFiles } from './promtool-harness';

describe('promtool', () => {
  it('check rules accepts every rendered rule file', () => {
    withRuleFiles((dir, files) => {
      const run = runTool(promtool(), ['check', 'rules', ...files], dir);
      expect({ status: run.status, output: run.output }).toMatchObject({ status: 0 });
      for (const file of files) expect(run.output).toContain(`Checking ${file}\n  SUCCESS`);
    });
  });

  it.each(Object.keys(promtoolTestFiles()))('test rules passes %s', (testFile) => {
    const run = promtoolTestRules(testFile);
    if (run.status !== 0) throw new Error(`promtool test rules ${testFile} failed:\n${run.output}`);
    expect(run.output).toContain('SUCCESS');
  });

  it('each rule file has its own promtool test file, and each test file loads one rule file', () => {
    const tests = promtoolTestFiles();
    const tested = Object.values(tests).flatMap((t) => t.rule_files);
    expect(tested.sort()).toEqual(RULE_FILES.map((f) => f.fileName).sort());
  });
});

describe('test coverage', () => {
  const cases = Object.values(promtoolTestFiles()).flatMap((f) => f.tests);
  const alertCases = cases.flatMap((t) => t.alert_rule_test ?? []);
  const exprs = cases.flatMap((t) => t.promql_expr_test ?? []).map((c) => c.expr);

  it.each(allAlerts().map((a) => a.alert))('%s is tested firing and not firing', (name) => {
    const mine = alertCases.filter((c) => c.alertname === name);
    expect(mine.some((c) => (c.exp_alerts ?? []).length > 0)).toBe(true);
    expect(mine.some((c) => (c.exp_alerts ?? []).length === 0)).toBe(true);
  });

  it.each(allRecordingRules().map((r) => r.record))('%s is evaluated by a unit test', (record) => {
    const escaped = record.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(exprs.some((e) => new RegExp(`(^|[^a-zA-Z0-9_:])${escaped}($|[^a-zA-Z0-9_:])`).test(e))).toBe(
      true,
    );
  });
});

describe('rule files', () => {
  const files = prometheusRuleFiles();

  it('name recorded series level:metric:operations', () => {
    for (const { record } of allRecordingRules()) {
      expect(record).toMatch(/^[a-z]+(_[a-z]+)*:[a-zA-Z0-9_]+:[a-z0-9_]+$/);
    }
  });

  it('put the question each rule answers in a comment right above it', () => {
    const text = Object.values(files).join('\n');
    for (const rule of [...allRecordingRules(), ...allAlerts()]) {
      const head = 'record' in rule ? `- record: ${rule.record}` : `- alert: ${rule.alert}`;
      expect(text).toMatch(new RegExp(`# ${escapeRe(rule.question)}\\n\\s*${escapeRe(head)}\\n`));
    }
  });

  it('give every alert a severity, a for, a summary and a runbook link', () => {
    const alerts = Object.values(files).flatMap((t) =>
      (parse(t) as { groups: { rules: Record<string, unknown>[] }[] }).groups.flatMap((g) =>
        g.rules.filter((r) => 'alert' in r),
      ),
    );
    expect(alerts).toHaveLength(allAlerts().length);
    for (const alert of alerts) {
      expect(alert).toMatchObject({
        for: expect.stringMatching(/^\d+[smh]$/),
        labels: { severity: expect.stringMatching(/^(critical|warning|info)$/) },
        annotations: {
          summary: expect.any(String),
          description: expect.any(String),
          runbook_url: expect.stringMatching(/^docs\/runbook\.md#[a-z0-9-]+$/),
        },
      });
    }
  });

  it('link every alert to a section of docs/runbook.md that exists', () => {
    const runbook = readFileSync(join(REPO_ROOT, 'docs', 'runbook.md'), 'utf8');
    const anchors = new Set(
      [...runbook.matchAll(/^#{2,4} (.+)$/gm)].map((m) =>
        m[1]
          .trim()
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    const missing = allAlerts().filter((a) => !anchors.has(a.runbookSection));
    expect(missing.map((a) => `${a.alert} -> #${a.runbookSection}`)).toEqual([]);
    // and the runbook names each alert in its section, so a reader can search for it
    for (const alert of allAlerts()) expect(runbook).toContain(`\`${alert.alert}\``);
  });
});

describe('options', () => {
  it('shortens the for of a named alert, and only that one', () => {
    const text = prometheusRuleFiles({ alertFor: { JupyterHubDown: '10s' } })['jupyterhub.rules.yaml'];
    const rules = (parse(text) as { groups: { rules: { alert?: string; for?: string }[] }[] }).groups.flatMap(
      (g) => g.rules,
    );
    expect(rules.find((r) => r.alert === 'JupyterHubDown')?.for).toBe('10s');
    expect(rules.find((r) => r.alert === 'JupyterHubProxyDown')?.for).toBe('2m');
  });

  it('links to the runbook where it is published', () => {
    const text = prometheusRuleFiles({ runbookUrl: 'https://example.org/runbook.md' })[
      'jupyterhub.rules.yaml'
    ];
    expect(text).toContain('runbook_url: https://example.org/runbook.md#hub-down');
  });

  it('rejects a runbook URL that already names a section', () => {
    expect(() => prometheusRuleFiles({ runbookUrl: 'https://example.org/runbook.md#alerts' })).toThrow(
      'runbookUrl: "https://example.org/runbook.md#alerts" must name docs/runbook.md without a #section',
    );
  });

  it('rejects an alert that does not exist', () => {
    expect(() => prometheusRuleFiles({ alertFor: { HubDown: '10s' } })).toThrow(
      /^alertFor\.HubDown: no such alert; alerts are .*JupyterHubDown/,
    );
  });

  it('rejects a duration Prometheus would not parse', () => {
    expect(() => prometheusRuleFiles({ alertFor: { JupyterHubDown: '10 seconds' } })).toThrow(
      'alertFor.JupyterHubDown: "10 seconds" is not a Prometheus duration',
    );
  });
});

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
