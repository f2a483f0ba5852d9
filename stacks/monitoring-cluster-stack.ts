import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { MonitoringConfig } from '../config/monitoring-schema';
import { AwsAccount } from '../lib/aws-account';
import { HubEksCluster, controlPlaneLogGroupName } from '../lib/cluster/hub-eks-cluster';
import { ManagedAddon } from '../lib/cluster/managed-addon';
import { NodePool } from '../lib/cluster/node-pool';
import { NodeRole } from '../lib/cluster/node-role';
import { ServiceAccountRole } from '../lib/cluster/service-account-role';
import { AlarmTopic } from '../lib/monitoring/alarm-topic';
import { cloudWatchReadStatements } from '../lib/monitoring/cloudwatch-read';
import { GRAFANA_SERVICE_ACCOUNT, MONITORING_NAMESPACE } from '../lib/monitoring/names';
import { monitoringClusterName } from '../lib/naming';
import { DomainName } from '../lib/network/domain-name';
import { HubVpc, flowLogGroupName } from '../lib/network/hub-vpc';
import { poolScheduling } from '../lib/node-scheduling';
import { EncryptionKey, cloudWatchLogsKeyStatement } from '../lib/security/encryption-key';
import { useEnvironmentBackend } from '../lib/state/environment-backend';

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
    new AwsProvider(this, 'aws', {
      region: monitoring.region,
      defaultTags: [
        { tags: { 'hub:monitoring': monitoring.name, 'hub:managed-by': 'cdktf', ...monitoring.tags } },
      ],
    });
    const account = new AwsAccount(this, 'account');
    const { cluster: clusterConfig } = monitoring;

    const logKey = new EncryptionKey(this, 'log-key', {
      account,
      alias: `${name}/logs`,
      description: `${name}: control-plane and flow logs`,
      statements: [
        cloudWatchLogsKeyStatement(account, [controlPlaneLogGroupName(name), flowLogGroupName(name)]),
      ],
    });
    const secretsKey = new EncryptionKey(this, 'secrets-key', {
      account,
      alias: `${name}/eks-secrets`,
      description: `${name}: envelope encryption of Kubernetes Secrets`,
    });
    this.network = new HubVpc(this, 'network', {
      account,
      name,
      clusterName: name,
      cidr: monitoring.network.vpcCidr,
      availabilityZones: monitoring.network.availabilityZones,
      natGateways: monitoring.network.natGateways,
      logKeyArn: logKey.arn,
      logRetentionDays: clusterConfig.logRetentionDays,
    });
    this.eks = new HubEksCluster(this, 'eks', {
      account,
      name,
      kubernetesVersion: clusterConfig.kubernetesVersion,
      subnetIds: this.network.privateSubnets.map((s) => s.id),
      publicEndpointCidrs: clusterConfig.publicEndpointCidrs,
      admins: clusterConfig.admins,
      secretsKeyArn: secretsKey.arn,
      logKeyArn: logKey.arn,
      logRetentionDays: clusterConfig.logRetentionDays,
    });
    const cluster = this.eks.cluster;
    const networkAddons = [
      new ManagedAddon(this, 'vpc-cni', {
        cluster,
        addonName: 'vpc-cni',
        serviceAccountRoleArn: new ServiceAccountRole(this, 'vpc-cni-role', {
          issuer: this.eks.issuer,
          roleName: `${name}-vpc-cni`,
          namespace: 'kube-system',
          serviceAccount: 'aws-node',
          managedPolicyArns: [account.managedPolicyArn('AmazonEKS_CNI_Policy')],
        }).arn,
        configuration: { enableNetworkPolicy: 'true' },
      }).addon,
      new ManagedAddon(this, 'kube-proxy', { cluster, addonName: 'kube-proxy' }).addon,
    ];

    // One core pool in the first AZ: Prometheus's gp3 volume lives in one AZ, and a
    // replaced node there can always attach it (as the hub database's).
    const { labels, taints } = poolScheduling('core', 'core');
    this.coreLabels = labels;
    const pool = monitoring.corePool;
    this.corePool = new NodePool(this, 'pool-core', {
      cluster,
      clusterName: name,
      kubernetesVersion: clusterConfig.kubernetesVersion,
      nodeRoleArn: new NodeRole(this, 'node-role', { account, name }).role.arn,
      poolName: 'core',
      instanceType: pool.instanceType,
      amiType: 'AL2023_x86_64_STANDARD',
      minSize: pool.minSize,
      maxSize: pool.maxSize,
      desiredSize: pool.desiredSize ?? pool.minSize,
      diskSizeGiB: pool.diskSizeGiB,
      subnetIds: [this.network.privateSubnets[0].id],
      labels,
      taints,
      dependsOn: networkAddons,
    });
    new ManagedAddon(this, 'coredns', {
      cluster,
      addonName: 'coredns',
      dependsOn: [this.corePool.nodeGroup],
    });
    new ManagedAddon(this, 'ebs-csi-driver', {
      cluster,
      addonName: 'aws-ebs-csi-driver',
      serviceAccountRoleArn: new ServiceAccountRole(this, 'ebs-csi-role', {
        issuer: this.eks.issuer,
        roleName: `${name}-ebs-csi`,
        namespace: 'kube-system',
        serviceAccount: 'ebs-csi-controller-sa',
        managedPolicyArns: [account.managedPolicyArn('service-role/AmazonEBSCSIDriverPolicy')],
      }).arn,
      dependsOn: [this.corePool.nodeGroup],
    });

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
