/**
 * The monitoring deployment and the hubs' metrics agents: Grafana's login, the remote-write
 * path's TLS and authentication, Guaranteed QoS for every monitoring pod. (The monitoring
 * cluster itself is checked by every EKS, node, network and IAM rule, like a hub cluster.)
 */
import { CHARTS } from '../../../lib/platform/charts';
import { HelmRelease, releasesOf } from '../helm';
import { Json, Rule } from '../types';
import { guaranteedProblems } from './helm';
import { outcome, show } from './outcome';

/** Passwords the Grafana chart and its documentation show; any literal one is in the repository anyway. */
const KNOWN_PASSWORDS = ['admin', 'strongpassword', 'prom-operator'];

const isEnabled = (value: unknown, byDefault: boolean) => (value === undefined ? byDefault : value !== false);

/** Where each monitoring chart keeps the resources of its pods, and when that pod runs. */
function podResources(release: HelmRelease): Array<{ path: string; resources: Json }> {
  const v = release.values as Json;
  if (release.chart === CHARTS.grafana.chart) {
    const pods = [{ path: 'resources', resources: v.resources }];
    // The chart adds the download-dashboards init container whenever dashboards are provisioned.
    if (v.dashboards && Object.keys(v.dashboards).length > 0)
      pods.push({ path: 'downloadDashboards.resources', resources: v.downloadDashboards?.resources });
    return pods;
  }
  const pods = [
    { path: 'server.resources', resources: v.server?.resources },
    ...(isEnabled(v.configmapReload?.prometheus?.enabled, true)
      ? [
          {
            path: 'configmapReload.prometheus.resources',
            resources: v.configmapReload?.prometheus?.resources,
          },
        ]
      : []),
  ];
  if (isEnabled(v.alertmanager?.enabled, true)) {
    pods.push({ path: 'alertmanager.resources', resources: v.alertmanager?.resources });
    if (v.alertmanager?.configmapReload?.enabled === true)
      pods.push({
        path: 'alertmanager.configmapReload.resources',
        resources: v.alertmanager?.configmapReload?.resources,
      });
  }
  for (const sub of ['kube-state-metrics', 'prometheus-node-exporter', 'prometheus-pushgateway']) {
    if (isEnabled(v[sub]?.enabled, true))
      pods.push({ path: `${sub}.resources`, resources: v[sub]?.resources });
  }
  return pods;
}

/** Flags of the server container: extraFlags, extraArgs keys and any override. */
function serverFlags(values: Json): string[] {
  const server = values.server ?? {};
  return [
    ...(server.extraFlags ?? []).map((f: string) => `--${f}`),
    ...Object.keys(server.extraArgs ?? {}).map((k) => `--${k}`),
    ...(server.defaultFlagsOverride ?? []),
  ].map((f: string) => f.split('=')[0]);
}

export const MONITORING_RULES: Rule[] = [
  {
    id: 'sns.customer-key',
    severity: 'must',
    title: 'SNS topics encrypted with a customer-managed key',
    rationale:
      'Alarm notifications name file systems and hubs; a key of our own also lets CloudWatch publish to the encrypted topic, which the AWS-managed SNS key does not.',
    anchors: ['CKV_AWS_26', 'AWS-0095', 'AWS-0136'],
    *check(stack, synth) {
      for (const topic of stack.resources('aws_sns_topic')) {
        const key = synth.locate(stack, topic.body.kms_master_key_id);
        yield outcome(topic.address, [
          key?.resource.type !== 'aws_kms_key' &&
            `kms_master_key_id ${show(topic.body.kms_master_key_id)} is not an aws_kms_key`,
        ]);
      }
    },
  },
  {
    id: 'monitoring.efs-io-limit-alarm',
    severity: 'should',
    title: 'A reporting hub has a CloudWatch alarm on its EFS I/O limit',
    rationale:
      'PercentIOLimit exists only in CloudWatch: without the alarm nobody hears that everyone’s files are getting slow.',
    anchors: ['AWS docs: EFS CloudWatch metrics, PercentIOLimit', 'docs/runbook.md: EFS I/O limit'],
    *check(stack) {
      // Hubs that report to monitoring peer with its VPC; the others report nowhere.
      if (stack.resources('aws_vpc_peering_connection').length === 0) return;
      const alarms = stack
        .resources('aws_cloudwatch_metric_alarm')
        .filter((a) => a.body.namespace === 'AWS/EFS' && a.body.metric_name === 'PercentIOLimit');
      for (const fs of stack.resources('aws_efs_file_system')) {
        const mine = alarms.filter((a) => stack.refersTo(a.body.dimensions?.FileSystemId, fs));
        yield outcome(fs.address, [
          mine.length === 0 &&
            'no aws_cloudwatch_metric_alarm on AWS/EFS PercentIOLimit for this file system',
          mine.some((a) => (a.body.alarm_actions ?? []).length === 0) &&
            'its PercentIOLimit alarm has no alarm_actions: it notifies nobody',
        ]);
      }
    },
  },
  {
    id: 'monitoring.grafana-login',
    severity: 'must',
    title: 'Grafana has no anonymous access and no admin password in its values',
    rationale:
      'An anonymous viewer or a known admin password opens every dashboard, and with it the hubs’ user names and usage, to anyone who finds the name.',
    anchors: ['Grafana docs: configure-security, anonymous authentication', 'grafana chart: adminPassword'],
    *check(stack) {
      for (const release of releasesOf(stack, CHARTS.grafana.chart)) {
        const v = release.values as Json;
        const ini = v['grafana.ini'] ?? {};
        const password = v.adminPassword;
        yield outcome(release.resource.address, [
          ini['auth.anonymous']?.enabled !== false &&
            `grafana.ini auth.anonymous.enabled is ${show(ini['auth.anonymous']?.enabled)}, must be false`,
          password !== undefined &&
            (KNOWN_PASSWORDS.includes(String(password))
              ? `adminPassword is the well-known ${show(password)}`
              : 'adminPassword is set in the values: leave it unset so the chart generates one into a Secret'),
          ini['auth.basic']?.enabled !== false &&
            `grafana.ini auth.basic.enabled is ${show(ini['auth.basic']?.enabled)}, must be false (login through the identity provider only)`,
        ]);
      }
    },
  },
  {
    id: 'monitoring.remote-write-secure',
    severity: 'must',
    title: 'Remote write goes over TLS with authentication, and a receiver demands it',
    rationale:
      'Metrics carry user names and the hubs’ shape; an open receiver also accepts forged series that silence alerts.',
    anchors: ['Prometheus docs: remote_write, web configuration (basic_auth_users)'],
    *check(stack) {
      for (const release of releasesOf(stack, CHARTS.prometheus.chart)) {
        const v = release.values as Json;
        const writes: Array<{ at: string; w: Json }> = [
          ...(v.server?.remoteWrite ?? []).map((w: Json, i: number) => ({
            at: `server.remoteWrite[${i}]`,
            w,
          })),
          ...(v.serverFiles?.['prometheus.yml']?.remote_write ?? []).map((w: Json, i: number) => ({
            at: `serverFiles."prometheus.yml".remote_write[${i}]`,
            w,
          })),
        ];
        const problems = writes.flatMap(({ at, w }) => {
          const auth =
            (w.basic_auth?.username && (w.basic_auth?.password_file || w.basic_auth?.password)) ||
            w.authorization?.credentials_file ||
            w.authorization?.credentials ||
            w.bearer_token_file;
          return [
            !String(w.url ?? '').startsWith('https://') && `${at}.url ${show(w.url)} is not https`,
            !auth && `${at} sends no credentials (basic_auth or authorization)`,
            w.tls_config?.insecure_skip_verify === true && `${at}.tls_config skips certificate verification`,
          ].filter((p): p is string => typeof p === 'string');
        });
        const flags = serverFlags(v);
        if (flags.includes('--web.enable-remote-write-receiver') && !flags.includes('--web.config.file'))
          problems.push(
            'the remote-write receiver is on without --web.config.file: anyone who reaches it may write',
          );
        if (writes.length > 0 || flags.includes('--web.enable-remote-write-receiver'))
          yield outcome(release.resource.address, problems);
      }
    },
  },
  {
    id: 'monitoring.guaranteed-pods',
    severity: 'must',
    title: 'Every monitoring pod is Guaranteed (requests equal limits)',
    rationale:
      'The monitoring that must outlive an incident is evicted first without it; the mybinder Grafana asked for 100Mi and kept restarting.',
    anchors: ['mybinder incident report (shared/seeds)', 'Kubernetes docs: pod QoS classes'],
    *check(stack) {
      for (const release of [
        ...releasesOf(stack, CHARTS.prometheus.chart),
        ...releasesOf(stack, CHARTS.grafana.chart),
      ]) {
        yield outcome(
          release.resource.address,
          podResources(release).flatMap(({ path, resources }) => guaranteedProblems(path, resources)),
        );
      }
    },
  },
];
