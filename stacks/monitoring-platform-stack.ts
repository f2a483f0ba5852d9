import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { MonitoringConfig } from '../config/monitoring-schema';
import { Environment } from '../config/schema';
import { CentralPrometheus, MONITORING_STORAGE_CLASS } from '../lib/monitoring/central-prometheus';
import { grafanaDashboards } from '../lib/monitoring/dashboards';
import { Grafana } from '../lib/monitoring/grafana';
import { MONITORING_NAMESPACE, RECEIVER_SERVICE, receiverUrl } from '../lib/monitoring/names';
import { monitoringClusterName } from '../lib/naming';
import { LoadBalancerDnsRecord } from '../lib/network/load-balancer-dns-record';
import { ClusterConnection } from '../lib/platform/cluster-connection';
import { memoryMiB } from '../lib/quantities';
import { useEnvironmentBackend } from '../lib/state/environment-backend';
import { MonitoringClusterStack } from './monitoring-cluster-stack';
import { monitoringAwsProvider } from './aws-provider';

/**
 * The Kubernetes half of the monitoring deployment: the central Prometheus with its
 * receiver and Alertmanager, Grafana, and the DNS names of both. Reaches its cluster by
 * name, like the hub platform stacks.
 */
export class MonitoringPlatformStack extends TerraformStack {
  readonly prometheus: CentralPrometheus;
  readonly grafana: Grafana;
  /** The URL the receiver serves, which every reporting hub's agent must use. */
  readonly receiverUrl: string;

  constructor(
    scope: Construct,
    id: string,
    monitoring: MonitoringConfig,
    clusterStack: MonitoringClusterStack,
    reporting: readonly Environment[],
  ) {
    super(scope, id);
    const name = monitoringClusterName(monitoring);
    useEnvironmentBackend(this, { name, state: monitoring.state }, 'monitoring-platform');
    monitoringAwsProvider(this, monitoring);
    new ClusterConnection(this, 'cluster', { clusterName: name, region: monitoring.region });
    this.addDependency(clusterStack);

    const size = (resources: { cpu: number; memory: string }) => ({
      cpuMillis: Math.round(resources.cpu * 1000),
      memoryMiB: memoryMiB(resources.memory),
    });
    this.prometheus = new CentralPrometheus(this, 'prometheus', {
      envName: name,
      retentionDays: monitoring.prometheus.retentionDays,
      volumeSizeGiB: monitoring.prometheus.volumeSizeGiB,
      server: size(monitoring.prometheus.resources),
      alertmanager: {
        ...size(monitoring.alertmanager.resources),
        volumeSizeGiB: monitoring.alertmanager.volumeSizeGiB,
      },
      nodeSelector: clusterStack.coreLabels,
      clients: reporting.map((env) => ({ environment: env.name, vpcCidr: env.network.vpcCidr })),
      credentialsPrefix: monitoring.receiver.credentialsPrefix,
      credentialsVersion: monitoring.receiver.credentialsVersion,
      slackWebhook: monitoring.alertmanager.slackWebhook,
      runbookUrl: monitoring.alertmanager.runbookUrl,
      receiverCertificateArn: clusterStack.receiverDomain.certificateArn!,
    });
    this.receiverUrl = receiverUrl(monitoring.receiver.domain.name);
    new LoadBalancerDnsRecord(this, 'receiver-dns', {
      zoneId: clusterStack.receiverDomain.zone.zoneId,
      name: monitoring.receiver.domain.name,
      namespace: MONITORING_NAMESPACE,
      serviceName: RECEIVER_SERVICE,
      dependsOn: [this.prometheus.receiver],
    });

    const grafana = monitoring.grafana;
    this.grafana = new Grafana(this, 'grafana', {
      envName: name,
      namespace: MONITORING_NAMESPACE,
      domain: grafana.domain.name,
      certificateArn: clusterStack.grafanaDomain.certificateArn!,
      login: grafana.authentication,
      clientSecret: grafana.authentication.clientSecret,
      admins: grafana.admins,
      size: size(grafana.resources),
      volumeSizeGiB: grafana.volumeSizeGiB,
      storageClass: MONITORING_STORAGE_CLASS,
      nodeSelector: clusterStack.coreLabels,
      cloudWatchRoleArn: clusterStack.cloudWatchRole.arn,
      region: monitoring.region,
      prometheusUrl: this.prometheus.url,
      dashboards: grafanaDashboards(),
      dependsOn: [this.prometheus.release.release],
    });
    new LoadBalancerDnsRecord(this, 'grafana-dns', {
      zoneId: clusterStack.grafanaDomain.zone.zoneId,
      name: grafana.domain.name,
      namespace: MONITORING_NAMESPACE,
      serviceName: 'grafana',
      dependsOn: [this.grafana.release.release],
    });
    new TerraformOutput(this, 'grafana_url', { value: `https://${grafana.domain.name}` });
    new TerraformOutput(this, 'receiver_url', { value: this.receiverUrl });
  }
}
