/**
 * What the monitoring config changes in the synthesized stacks: where alerts link to the
 * runbook, where CloudWatch alarms go and when the EFS one fires. The real configuration is
 * synthesized as is and once more with those fields set.
 */
import { parse } from 'yaml';
import { ENVIRONMENTS, MONITORING } from '../../config';
import { loadConfig } from '../../config/load';
import { CENTRAL_PROMETHEUS_RELEASE } from '../../lib/monitoring/names';
import { StackJson, configProblems, resourcesOf, synthStacks } from '../support/synth';

const CENTRAL = 'monitoring-platform-central';
const config = loadConfig(ENVIRONMENTS, MONITORING);
const [central] = config.monitoring;
const PUBLISHED = 'https://git.example.org/research-computing/hub/blob/main/docs/runbook.md';
const configured = synthStacks(
  config.environments.filter((env) => central.environments.includes(env.name)),
  [
    {
      ...central,
      alertmanager: { ...central.alertmanager, runbookUrl: PUBLISHED },
      alarms: {
        emails: [],
        slack: { workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' },
        efsIoLimitPercent: 80,
      },
    },
  ],
);

/** Every alert's runbook_url in the central Prometheus release's rule files. */
function runbookUrls(stack: StackJson): string[] {
  const [[, release]] = resourcesOf(stack, 'helm_release').filter(
    ([, r]) => r.name === CENTRAL_PROMETHEUS_RELEASE,
  );
  const files = parse(release.values[0]).serverFiles as Record<string, { groups?: unknown[] }>;
  return Object.values(files).flatMap((file) =>
    ((file.groups ?? []) as { rules: { annotations?: { runbook_url?: string } }[] }[]).flatMap((g) =>
      g.rules.flatMap((r) => (r.annotations?.runbook_url ? [r.annotations.runbook_url] : [])),
    ),
  );
}

describe('runbook links', () => {
  it('point into the runbook of a checkout when the config names no published runbook', () => {
    const urls = runbookUrls(synthStacks().get(CENTRAL)!);
    expect(urls.length).toBeGreaterThan(10);
    for (const url of urls) expect(url).toMatch(/^docs\/runbook\.md#[a-z0-9-]+$/);
  });

  it('point at alertmanager.runbookUrl plus the section when the config sets it', () => {
    const urls = runbookUrls(configured.get(CENTRAL)!);
    expect(urls.length).toBeGreaterThan(10);
    for (const url of urls) expect(url.startsWith(`${PUBLISHED}#`)).toBe(true);
    expect(urls).toContain(`${PUBLISHED}#hub-down`);
  });
});

describe('CloudWatch alarms', () => {
  const monitoringCluster = configured.get('monitoring-cluster-central')!;

  it('go to the Slack channel of the config through AWS Chatbot, with a role that may do nothing', () => {
    const [slack] = resourcesOf(monitoringCluster, 'aws_chatbot_slack_channel_configuration').map(
      ([, b]) => b,
    );
    expect(slack).toMatchObject({ slack_team_id: 'T0123ABCD', slack_channel_id: 'C0123ABCD' });
    expect(slack.sns_topic_arns).toEqual([expect.stringMatching(/^\$\{aws_sns_topic\.[\w-]+\.arn\}$/)]);
    const roleName = /aws_iam_role\.([\w-]+)\.arn/.exec(slack.iam_role_arn)![1];
    expect(
      resourcesOf(monitoringCluster, 'aws_iam_role_policy_attachment')
        .map(([, b]) => b.role)
        .filter((r) => String(r).includes(roleName)),
    ).toEqual([]);
    expect(resourcesOf(monitoringCluster, 'aws_sns_topic_subscription')).toEqual([]);
  });

  it('fire the EFS alarm at the configured percentage, with the published runbook in its text', () => {
    for (const env of central.environments) {
      const [alarm] = resourcesOf(configured.get(`hub-cluster-${env}`)!, 'aws_cloudwatch_metric_alarm').map(
        ([, b]) => b,
      );
      expect(alarm.threshold).toBe(80);
      expect(alarm.alarm_description).toContain(`${PUBLISHED}#efs-io-limit`);
    }
  });

  it('need someone to reach', () => {
    expect(
      configProblems(() =>
        loadConfig(ENVIRONMENTS, { central: { ...MONITORING.central, alarms: { emails: [] } } }),
      ),
    ).toEqual([
      'monitoring.central.alarms: names nobody: list emails or a slack channel, or the alarms reach no one',
    ]);
  });
});
