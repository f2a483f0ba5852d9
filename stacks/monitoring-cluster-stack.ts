import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { MonitoringConfig } from '../config/monitoring-schema';
import { AwsAccount } from '../lib/aws-account';
import { HardenedCluster } from '../lib/cluster/hardened-cluster';
import { HubEksCluster } from '../lib/cluster/hub-eks-cluster';
import { NodePool } from '../lib/cluster/node-pool';
import { ServiceAccountRole } from '../lib/cluster/service-account-role';
import { AlarmTopic } from '../lib/monitoring/alarm-topic';
import { cloudWatchReadStatements } from '../lib/monitoring/cloudwatch-read';
import { GRAFANA_SERVICE_ACCOUNT, MONITORING_NAMESPACE } from '../lib/monitoring/names';
import { monitoringClusterName } from '../lib/naming';
import { DomainName } from '../lib/network/domain-name';
import { HubVpc } from '../lib/network/hub-vpc';
import { poolScheduling } from '../lib/node-scheduling';
import { useEnvironmentBackend } from '../lib/state/environment-backend';
import { monitoringAwsProvider } from './aws-provider';

/**
 * The AWS half of the monitoring deployment: its own VPC, a private EKS cluster built with
 * the hub clusters' constructs (so every cluster rule of the policy guard applies), one
 * core pool, the certificates of Grafana and the metrics receiver, Grafana's
 * read-only CloudWatch role, and the encrypted SNS topic the hubs' CloudWatch alarms notify. It shares no node, API or state with any hub: the hubs peer
 * with its VPC from their own stacks, so destroying a hub leaves this stack untouched.
 */
export class MonitoringClusterStack extends TerraformStack {
  readonly monitoring: MonitoringConfig;
  readonly network: HubVpc;
  readonly eks: HubEksCluster;
  readonly corePool: NodePool;
  /** Labels of the core pool, which monitoring pods select. */
  readonly coreLabels: Readonly<Record<string, string>>;
  readonly grafanaDomain: DomainName;
  readonly receiverDomain: DomainName;
  /** Grafana's role for the CloudWatch datasource: read-only metrics. */
  readonly cloudWatchRole: ServiceAccountRole;
  /** The encrypted SNS topic the reporting hubs' CloudWatch alarms notify. */
  readonly alarmTopic: AlarmTopic;

  constructor(scope: Construct, id: string, monitoring: MonitoringConfig) {
    super(scope, id);
    this.monitoring = monitoring;
    const name = monitoringClusterName(monitoring);
    useEnvironmentBackend(this, { name, state: monitoring.state }, 'monitoring-cluster');
    monitoringAwsProvider(this, monitoring);
    const account = new AwsAccount(this, 'account');
    const { cluster: clusterConfig } = monitoring;

    const hardened = new HardenedCluster(this, 'hardened-cluster', {
      account,
      name,
      kubernetesVersion: clusterConfig.kubernetesVersion,
      vpcCidr: monitoring.network.vpcCidr,
      availabilityZones: monitoring.network.availabilityZones,
      natGateways: monitoring.network.natGateways,
      publicEndpointCidrs: clusterConfig.publicEndpointCidrs,
      admins: clusterConfig.admins,
      logRetentionDays: clusterConfig.logRetentionDays,
    });
    this.network = hardened.network;
    this.eks = hardened.eks;
    const cluster = hardened.cluster;

    // One core pool in the first AZ: Prometheus's gp3 volume lives in one AZ, and a
    // replaced node there can always attach it (as the hub database's).
    const { labels, taints } = poolScheduling('core', 'core');
    this.coreLabels = labels;
    const pool = monitoring.corePool;
    this.corePool = hardened.addNodePool('core', {
      instanceType: pool.instanceType,
      amiType: 'AL2023_x86_64_STANDARD',
      minSize: pool.minSize,
      maxSize: pool.maxSize,
      desiredSize: pool.desiredSize ?? pool.minSize,
      diskSizeGiB: pool.diskSizeGiB,
      subnetIds: [this.network.privateSubnets[0].id],
      labels,
      taints,
    });
    hardened.addDeploymentAddons(this.corePool.nodeGroup);

    this.cloudWatchRole = new ServiceAccountRole(this, 'grafana-cloudwatch-role', {
      issuer: this.eks.issuer,
      roleName: `${name}-grafana-cloudwatch`,
      namespace: MONITORING_NAMESPACE,
      serviceAccount: GRAFANA_SERVICE_ACCOUNT,
      statements: cloudWatchReadStatements(),
    });
    this.alarmTopic = new AlarmTopic(this, 'alarm-topic', {
      account,
      name,
      emails: monitoring.alarms.emails,
      slack: monitoring.alarms.slack,
    });
    this.grafanaDomain = new DomainName(this, 'grafana-domain', monitoring.grafana.domain);
    this.receiverDomain = new DomainName(this, 'receiver-domain', monitoring.receiver.domain);

    new TerraformOutput(this, 'cluster_name', { value: cluster.name });
    new TerraformOutput(this, 'alarm_topic_arn', { value: this.alarmTopic.arn });
    new TerraformOutput(this, 'kubeconfig_command', {
      value: `aws eks update-kubeconfig --region ${monitoring.region} --name ${name}`,
      description: 'Run this to point kubectl at the monitoring cluster (needs an access entry).',
    });
  }
}
