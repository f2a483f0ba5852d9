/**
 * The monitoring rules on more ways around them than the one failing case each has in
 * rules.test.ts, each a mutation of the real monitoring or hub platform stack.
 */
import { evaluate } from '../../../tools/policy/engine';
import { RULES } from '../../../tools/policy/rules';
import { Json } from '../../../tools/policy/types';
import { Change, changedSynth, editValues, firedBy, release } from './support';
import { PLATFORM } from './real-stacks';

const MONITORING = 'monitoring-platform-central';

/** The messages `rule` reports on the changed synth. */
function messages(rule: string, ...changes: Change[]): string[] {
  return evaluate(changedSynth(...changes), RULES)
    .violations.filter((v) => v.rule === rule)
    .map((v) => v.message);
}

const grafana = (edit: (v: Json) => void): Change => [
  MONITORING,
  (j) => editValues(release(j, 'grafana'), edit),
];
const central = (edit: (v: Json) => void): Change => [
  MONITORING,
  (j) => editValues(release(j, 'prometheus'), edit),
];
const agent = (edit: (v: Json) => void): Change => [
  PLATFORM,
  (j) => editValues(release(j, 'prometheus'), edit),
];
const agentWrite = (edit: (w: Json) => void) =>
  agent((v) => edit(v.serverFiles['prometheus.yml'].remote_write[0]));

describe('monitoring.grafana-login', () => {
  it('refuses a well-known admin password, any literal one, and basic auth', () => {
    expect(
      messages(
        'monitoring.grafana-login',
        grafana((v) => (v.adminPassword = 'admin')),
      ),
    ).toEqual(['adminPassword is the well-known "admin"']);
    expect(
      messages(
        'monitoring.grafana-login',
        grafana((v) => (v.adminPassword = 'x7Hq')),
      ),
    ).toEqual([
      'adminPassword is set in the values: leave it unset so the chart generates one into a Secret',
    ]);
    expect(firedBy(grafana((v) => (v['grafana.ini']['auth.basic'].enabled = true)))).toEqual([
      'monitoring.grafana-login',
    ]);
  });

  it('takes an unset anonymous setting as not turned off', () => {
    expect(
      messages(
        'monitoring.grafana-login',
        grafana((v) => delete v['grafana.ini']['auth.anonymous']),
      ),
    ).toEqual(['grafana.ini auth.anonymous.enabled is unset, must be false']);
  });
});

describe('monitoring.remote-write-secure', () => {
  it('refuses an agent that sends no credentials or skips certificate checks', () => {
    expect(firedBy(agentWrite((w) => delete w.basic_auth))).toEqual(['monitoring.remote-write-secure']);
    expect(firedBy(agentWrite((w) => (w.tls_config.insecure_skip_verify = true)))).toEqual([
      'monitoring.remote-write-secure',
    ]);
  });

  it('refuses a receiver without its web config', () => {
    expect(
      messages(
        'monitoring.remote-write-secure',
        central((v) => delete v.server.extraArgs['web.config.file']),
      ),
    ).toEqual(['the remote-write receiver is on without --web.config.file: anyone who reaches it may write']);
  });
});

describe('monitoring.guaranteed-pods', () => {
  it('covers Grafana, the reloader and the agent’s exporters', () => {
    for (const change of [
      grafana((v) => delete v.resources.limits),
      grafana((v) => (v.downloadDashboards.resources = {})),
      central((v) => (v.configmapReload.prometheus.resources.limits.cpu = '1')),
      agent((v) => (v['prometheus-node-exporter'].resources.requests.memory = '1Mi')),
      agent((v) => delete v['kube-state-metrics'].resources),
    ])
      expect(firedBy(change)).toEqual(['monitoring.guaranteed-pods']);
  });
});

describe('sns.customer-key', () => {
  it('names a topic without a key, or under an alias of the AWS-managed key', () => {
    const topic = (edit: (t: Json) => void): Change => [
      'monitoring-cluster-central',
      (j) => edit(Object.values<Json>(j.resource.aws_sns_topic)[0]),
    ];
    expect(
      messages(
        'sns.customer-key',
        topic((t) => delete t.kms_master_key_id),
      ),
    ).toEqual(['kms_master_key_id unset is not an aws_kms_key']);
    expect(
      messages(
        'sns.customer-key',
        topic((t) => (t.kms_master_key_id = 'alias/aws/sns')),
      ),
    ).toEqual(['kms_master_key_id "alias/aws/sns" is not an aws_kms_key']);
  });
});

describe('monitoring.efs-io-limit-alarm', () => {
  const alarm = (edit: (a: Json) => void): Change => [
    'hub-cluster-prod',
    (j) => edit(Object.values<Json>(j.resource.aws_cloudwatch_metric_alarm)[0]),
  ];

  it('wants the alarm to notify someone, and to be on this file system', () => {
    expect(
      messages(
        'monitoring.efs-io-limit-alarm',
        alarm((a) => (a.alarm_actions = [])),
      ),
    ).toEqual(['its PercentIOLimit alarm has no alarm_actions: it notifies nobody']);
    expect(
      messages(
        'monitoring.efs-io-limit-alarm',
        alarm((a) => (a.dimensions = { FileSystemId: 'fs-0someoneelse' })),
      ),
    ).toEqual(['no aws_cloudwatch_metric_alarm on AWS/EFS PercentIOLimit for this file system']);
  });

  it('asks nothing of a hub that reports nowhere (dev)', () => {
    const report = evaluate(changedSynth(), RULES);
    expect(report.violations.filter((v) => v.rule === 'monitoring.efs-io-limit-alarm')).toEqual([]);
    expect(report.examined.get('monitoring.efs-io-limit-alarm')).toBe(3);
  });
});
