import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { StorageClassV1 } from '@cdktf/provider-kubernetes/lib/storage-class-v1';
import { Construct } from 'constructs';
import { AwsAccount } from '../aws-account';
import { NLB_TLS_POLICY } from '../jupyterhub/front-door';
import { AwsSecretValue } from '../platform/aws-secret-value';
import { CHARTS } from '../platform/charts';
import { PinnedRelease } from '../platform/pinned-release';
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
  /** Bump after changing any credentials secret: Terraform sends them again only then. @default 1 */
  readonly credentialsVersion?: number;
  /** Where the Slack webhook URL is kept in AWS. */
  readonly slackWebhook: {
    readonly source: 'secrets-manager' | 'ssm';
    readonly name: string;
    readonly jsonKey?: string;
    /** Bump after changing the stored URL: Terraform sends it again only then. @default 1 */
    readonly version?: number;
  };
  /** The receiver's validated ACM certificate. */
  readonly receiverCertificateArn: string;
  /**
   * Where docs/runbook.md is published; each alert links to a section of it.
   * @default 'docs/runbook.md' (DEFAULT_RUNBOOK_URL: the path in a checkout)
   */
  readonly runbookUrl?: string;
}

/**
 * The central store: the namespace, a retained gp3 class, the Prometheus release with
 * Alertmanager, the Secrets they read (bcrypt hashes of every user, the reader's password,
 * the Slack webhook; read ephemerally and written through the write-only `data_wo`, so
 * none is in a Terraform plan or state), and the receiver: an internal NLB with TLS that admits only the
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
    // The web config is composed inside the write-only argument: ephemeral values may pass
    // through Terraform functions there, never into a file or state.
    const hashes = users.map((user) => {
      const hash = new AwsSecretValue(this, `${user}-bcrypt`, {
        source: 'secrets-manager',
        name: credentialsSecretName(props.credentialsPrefix, user),
        jsonKey: 'bcrypt',
      });
      return `${JSON.stringify(user)} = ${hash.expression}`;
    });
    const credentialsVersion = props.credentialsVersion ?? 1;
    const readerPassword = new AwsSecretValue(this, 'reader-password', {
      source: 'secrets-manager',
      name: credentialsSecretName(props.credentialsPrefix, GRAFANA_READER_USER),
      jsonKey: PASSWORD_KEY,
    });
    const { source, name, jsonKey, version } = props.slackWebhook;
    const slack = new AwsSecretValue(this, 'slack-webhook', {
      source,
      name,
      jsonKey,
      account: source === 'ssm' ? new AwsAccount(this, 'account') : undefined,
      field: 'alertmanager.slackWebhook',
    });
    const secrets = [
      new SecretV1(this, 'web-config', {
        metadata: { name: WEB_CONFIG_SECRET, namespace },
        type: 'Opaque',
        dataWo: { [WEB_CONFIG_KEY]: `\${yamlencode({ basic_auth_users = { ${hashes.join(', ')} } })}` },
        dataWoRevision: credentialsVersion,
        dependsOn: [this.namespace],
      }),
      new SecretV1(this, 'reader', {
        metadata: { name: READER_SECRET, namespace },
        type: 'Opaque',
        dataWo: { [PASSWORD_KEY]: readerPassword.value },
        dataWoRevision: credentialsVersion,
        dependsOn: [this.namespace],
      }),
      new SecretV1(this, 'slack', {
        metadata: { name: SLACK_WEBHOOK_SECRET, namespace },
        type: 'Opaque',
        dataWo: { [SLACK_WEBHOOK_KEY]: slack.value },
        dataWoRevision: version ?? 1,
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
        ruleFiles: prometheusRuleFiles({ runbookUrl: props.runbookUrl }),
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
