import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { StorageClassV1 } from '@cdktf/provider-kubernetes/lib/storage-class-v1';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { NLB_TLS_POLICY } from '../jupyterhub/front-door';
import { CHARTS } from '../platform/charts';
import { PinnedRelease } from '../platform/pinned-release';
import { AwsSecretValue } from './aws-secret-value';
import { PodSize, centralPrometheusValues } from './central-values';
import {
  CENTRAL_PROMETHEUS_RELEASE,
  GRAFANA_READER_USER,
  MONITORING_NAMESPACE,
  PASSWORD_KEY,
  PROMETHEUS_PORT,
  READER_SECRET,
  RECEIVER_PORT,
  RECEIVER_SERVICE,
  SLACK_WEBHOOK_KEY,
  SLACK_WEBHOOK_SECRET,
  WEB_CONFIG_KEY,
  WEB_CONFIG_SECRET,
  credentialsSecretName,
} from './names';
import { prometheusRuleFiles } from './rules';

const ANNOTATION = 'service.beta.kubernetes.io/aws-load-balancer';

/** gp3, encrypted, and kept when its claim goes: history survives an uninstall. */
export const MONITORING_STORAGE_CLASS = 'gp3-retain';

/** A hub environment that writes to the receiver: its user name and the VPC range it writes from. */
export interface ReceiverClient {
  readonly environment: string;
  readonly vpcCidr: string;
}

export interface CentralPrometheusProps {
  readonly envName: string;
  readonly retentionDays: number;
  readonly volumeSizeGiB: number;
  readonly server: PodSize;
  readonly alertmanager: PodSize & { readonly volumeSizeGiB: number };
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** Every environment that writes here: its credentials are accepted, its VPC admitted. */
  readonly clients: readonly ReceiverClient[];
  /** Prefix of the credentials secrets in Secrets Manager. */
  readonly credentialsPrefix: string;
  /** Where the Slack webhook URL is kept in AWS. */
  readonly slackWebhook: {
    readonly source: 'secrets-manager' | 'ssm';
    readonly name: string;
    readonly jsonKey?: string;
  };
  /** The receiver's validated ACM certificate. */
  readonly receiverCertificateArn: string;
}

/**
 * The central store: the namespace, a retained gp3 class, the Prometheus release with
 * Alertmanager, the Secrets they read (bcrypt hashes of every user, the reader's password,
 * the Slack webhook), and the receiver: an internal NLB with TLS that admits only the
 * reporting hubs' VPC ranges (the controller writes them into the nodes' security group).
 */
export class CentralPrometheus extends Construct {
  readonly namespace: NamespaceV1;
  readonly release: PinnedRelease;
  readonly receiver: ServiceV1;
  /** The ranges the receiver admits, as plain strings. */
  readonly admittedCidrs: readonly string[];
  /** In-cluster URL of the server, for Grafana. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: CentralPrometheusProps) {
    super(scope, id);
    this.namespace = new NamespaceV1(this, 'namespace', { metadata: { name: MONITORING_NAMESPACE } });
    const storageClass = new StorageClassV1(this, 'gp3', {
      metadata: { name: MONITORING_STORAGE_CLASS },
      storageProvisioner: 'ebs.csi.aws.com',
      parameters: { type: 'gp3', encrypted: 'true', 'csi.storage.k8s.io/fstype': 'ext4' },
      reclaimPolicy: 'Retain',
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
    });
    const namespace = MONITORING_NAMESPACE;
    const users = [...props.clients.map((c) => c.environment), GRAFANA_READER_USER];
    const hashes = Object.fromEntries(
      users.map((user) => [
        user,
        new AwsSecretValue(this, `${user}-bcrypt`, {
          source: 'secrets-manager',
          name: credentialsSecretName(props.credentialsPrefix, user),
          jsonKey: 'bcrypt',
        }).value,
      ]),
    );
    const readerPassword = new AwsSecretValue(this, 'reader-password', {
      source: 'secrets-manager',
      name: credentialsSecretName(props.credentialsPrefix, GRAFANA_READER_USER),
      jsonKey: PASSWORD_KEY,
    });
    const slack = new AwsSecretValue(this, 'slack-webhook', props.slackWebhook);
    const secrets = [
      new SecretV1(this, 'web-config', {
        metadata: { name: WEB_CONFIG_SECRET, namespace },
        data: { [WEB_CONFIG_KEY]: Fn.yamlencode({ basic_auth_users: hashes }) },
        dependsOn: [this.namespace],
      }),
      new SecretV1(this, 'reader', {
        metadata: { name: READER_SECRET, namespace },
        data: { [PASSWORD_KEY]: readerPassword.value },
        dependsOn: [this.namespace],
      }),
      new SecretV1(this, 'slack', {
        metadata: { name: SLACK_WEBHOOK_SECRET, namespace },
        data: { [SLACK_WEBHOOK_KEY]: slack.value },
        dependsOn: [this.namespace],
      }),
    ];

    this.release = new PinnedRelease(this, 'release', {
      chart: CHARTS.prometheus,
      releaseName: CENTRAL_PROMETHEUS_RELEASE,
      namespace,
      envName: props.envName,
      valuesDir: 'prometheus',
      values: centralPrometheusValues({
        retentionDays: props.retentionDays,
        volumeSizeGiB: props.volumeSizeGiB,
        server: props.server,
        alertmanager: props.alertmanager,
        storageClass: MONITORING_STORAGE_CLASS,
        nodeSelector: props.nodeSelector,
        ruleFiles: prometheusRuleFiles(),
      }),
      dependsOn: [storageClass, ...secrets],
    });
    // The chart names the server `<release>-server` unless the release name contains the chart's.
    const serverName = CENTRAL_PROMETHEUS_RELEASE.includes(CHARTS.prometheus.chart)
      ? `${CENTRAL_PROMETHEUS_RELEASE}-server`
      : `${CENTRAL_PROMETHEUS_RELEASE}-prometheus-server`;
    this.url = `http://${serverName}.${namespace}.svc:80`;

    this.admittedCidrs = props.clients.map((c) => c.vpcCidr);
    this.receiver = new ServiceV1(this, 'receiver', {
      metadata: {
        name: RECEIVER_SERVICE,
        namespace,
        annotations: {
          [`${ANNOTATION}-type`]: 'nlb',
          [`${ANNOTATION}-internal`]: 'true',
          [`${ANNOTATION}-cross-zone-load-balancing-enabled`]: 'true',
          [`${ANNOTATION}-ssl-cert`]: props.receiverCertificateArn,
          [`${ANNOTATION}-ssl-ports`]: String(RECEIVER_PORT),
          [`${ANNOTATION}-ssl-negotiation-policy`]: NLB_TLS_POLICY,
          [`${ANNOTATION}-backend-protocol`]: 'tcp',
        },
      },
      spec: {
        type: 'LoadBalancer',
        selector: {
          'app.kubernetes.io/name': CHARTS.prometheus.chart,
          'app.kubernetes.io/instance': CENTRAL_PROMETHEUS_RELEASE,
          'app.kubernetes.io/component': 'server',
        },
        port: [{ name: 'https', port: RECEIVER_PORT, targetPort: String(PROMETHEUS_PORT), protocol: 'TCP' }],
        // Only the reporting hubs' VPCs, over the peering: the controller admits exactly these.
        loadBalancerSourceRanges: [...this.admittedCidrs],
      },
      waitForLoadBalancer: true,
      dependsOn: [this.release.release],
    });
  }
}
