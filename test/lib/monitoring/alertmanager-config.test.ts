/**
 * Alertmanager's configuration with the real amtool (Debian's prometheus-alertmanager):
 * it passes check-config, and every alert the rules define reaches the receiver its
 * severity names; every route is reached by some alert.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { alertmanagerConfig, receiverFor } from '../../../lib/monitoring/alertmanager-config';
import { SEVERITIES, allAlerts } from '../../../lib/monitoring/rules';
import { systemTool } from '../../support/tools';
import { runTool } from './promtool-harness';

const amtool = (): string => systemTool('amtool', 'prometheus-alertmanager');
const config = alertmanagerConfig({ webhookUrlFile: '/etc/alertmanager/secrets/slack-webhook-url' });
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'alertmanager-'));
  writeFileSync(join(dir, 'alertmanager.yml'), stringify(config));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const routesTest = (receiver: string, labels: string[]) =>
  runTool(
    amtool(),
    [
      'config',
      'routes',
      'test',
      '--config.file=alertmanager.yml',
      `--verify.receivers=${receiver}`,
      ...labels,
    ],
    dir,
  );

it('passes amtool check-config', () => {
  const run = runTool(amtool(), ['check-config', 'alertmanager.yml'], dir);
  expect(run.output).toContain('SUCCESS');
  expect(run.status).toBe(0);
});

it.each(allAlerts().map((a) => [a.alert, a.severity] as const))(
  '%s (%s) reaches the receiver of its severity',
  (alertname, severity) => {
    const run = routesTest(receiverFor(severity), [
      `alertname=${alertname}`,
      `severity=${severity}`,
      'environment=prod',
    ]);
    expect(run.output.trim().split('\n')[0]).toBe(receiverFor(severity));
    expect(run.status).toBe(0);
  },
);

it('sends an alert without a known severity to the warning receiver, not nowhere', () => {
  const run = routesTest('slack-warning', ['alertname=Unlabelled', 'environment=prod']);
  expect(run.status).toBe(0);
});

it('has no route that no alert reaches', () => {
  const used = new Set(allAlerts().map((a) => a.severity));
  expect(SEVERITIES.filter((s) => !used.has(s))).toEqual([]);
});

it('reads the webhook URL from the file and never holds it', () => {
  const text = stringify(config);
  expect(text).not.toMatch(/api_url:/);
  const receivers = config.receivers as { slack_configs: { api_url_file: string }[] }[];
  expect(receivers.map((r) => r.slack_configs[0].api_url_file)).toEqual(
    SEVERITIES.map(() => '/etc/alertmanager/secrets/slack-webhook-url'),
  );
});

it('posts to a channel per severity when given one', () => {
  const withChannels = alertmanagerConfig({
    webhookUrlFile: '/etc/am/url',
    channels: { critical: '#hub-pager' },
  });
  const receivers = withChannels.receivers as { name: string; slack_configs: { channel?: string }[] }[];
  expect(receivers.find((r) => r.name === 'slack-critical')?.slack_configs[0].channel).toBe('#hub-pager');
  expect(receivers.find((r) => r.name === 'slack-warning')?.slack_configs[0].channel).toBeUndefined();
});

describe('bad input', () => {
  it.each([
    [{ webhookUrlFile: 'secrets/url' }, 'webhookUrlFile: "secrets/url" must be an absolute path'],
    [
      { webhookUrlFile: '/u', repeatInterval: { page: '1h' } },
      'repeatInterval.page: not a severity; allowed are critical, warning, info',
    ],
    [
      { webhookUrlFile: '/u', repeatInterval: { critical: 'hourly' } },
      'repeatInterval.critical: "hourly" is not a duration',
    ],
    [
      { webhookUrlFile: '/u', channels: { info: 'Hub Alerts' } },
      'channels.info: "Hub Alerts" is not a Slack channel name',
    ],
  ])('%j', (props, message) => {
    expect(() => alertmanagerConfig(props as never)).toThrow(message);
  });
});
