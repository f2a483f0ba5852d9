import { Fn, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { Environment } from '../config/schema';
import { AwsAccount } from '../lib/aws-account';
import { API_PORT, ApiAccess, PORT_FORWARD_DOCUMENT } from '../lib/cluster/api-access';
import { API_TUNNEL_LOCAL_PORT } from '../lib/platform/cluster-connection';
import { HardenedCluster } from '../lib/cluster/hardened-cluster';
import { HubEksCluster } from '../lib/cluster/hub-eks-cluster';
import { NodePool } from '../lib/cluster/node-pool';
import { ServiceAccountRole } from '../lib/cluster/service-account-role';
import { instanceTypeSpec } from '../lib/instance-types';
import {
  ARCHIVE_EXPORT_SERVICE_ACCOUNT,
  archiveBucketName,
  archiveEventPrefix,
  archiveExportRoleName,
  archiveKeyAlias,
  clusterName,
} from '../lib/naming';
import { HUB_NAMESPACE } from '../lib/hub-storage';
import { sharedPasswordSecretName } from '../lib/jupyterhub/authentication';
import { SharedPassword } from '../lib/jupyterhub/shared-password';
import { DomainName } from '../lib/network/domain-name';
import { HubVpc } from '../lib/network/hub-vpc';
import {
  TERMINATION_HANDLER_MANAGED_TAG,
  TerminationQueue,
  drainTimings,
} from '../lib/autoscaling/termination-queue';
import { clusterAutoscalerStatements } from '../lib/platform/cluster-autoscaler';
import { CLUSTER_AUTOSCALER_SERVICE_ACCOUNT } from '../lib/platform/service-accounts';
import { SharedFileSystem } from '../lib/storage/shared-file-system';
import { NodeTaint, poolScheduling } from '../lib/node-scheduling';
import { useEnvironmentBackend } from '../lib/state/environment-backend';
import { EnvironmentBudget } from '../lib/cost/environment-budget';
import { environmentAwsProvider, environmentTags } from './aws-provider';
import { VpcPeering } from '../lib/network/vpc-peering';
import { EFS_IO_LIMIT_RUNBOOK_SECTION, EfsIoLimitAlarm } from '../lib/monitoring/efs-io-limit-alarm';

/**
 * The monitoring deployment a reporting hub peers with (its VPC's id, range and private
 * route tables) and sends its CloudWatch alarms to.
 */
export interface MonitoringNetwork {
  /** The monitoring deployment's name, for the peering's name tag. */
  readonly name: string;
  readonly vpcId: string;
  readonly cidr: string;
  readonly routeTableIds: readonly string[];
  /** Where the hub's CloudWatch alarms go, and when the EFS one fires. */
  readonly alarms: {
    readonly topicArn: string;
    readonly efsIoLimitPercent: number;
    /** The runbook's URL (without a section). */
    readonly runbookUrl: string;
  };
}

/** A node pool as the platform layer sees it: what it is called and how pods select it. */
export interface PoolSummary {
  readonly name: string;
  readonly kind: 'core' | 'user' | 'gpu';
  readonly instanceType: string;
  readonly maxSize: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly NodeTaint[];
  readonly autoScalingGroupName: string;
  /** Subnets its nodes start in (one per AZ). */
  readonly subnetIds: readonly string[];
}

/**
 * The AWS half of one hub: network, EKS control plane, managed add-ons and node pools.
 * Only the AWS provider: nothing here needs a reachable Kubernetes API.
 */
export class HubClusterStack extends TerraformStack {
  readonly env: Environment;
  readonly account: AwsAccount;
  readonly network: HubVpc;
  readonly eks: HubEksCluster;
  readonly pools: PoolSummary[] = [];
  readonly nodePools: NodePool[] = [];
  /** EFS for home and shared folders, with the CSI controller's role. */
  readonly sharedStorage: SharedFileSystem;
  /** The termination handler's queue, rules, lifecycle hooks and role. */
  readonly terminationQueue: TerminationQueue;
  readonly autoscalerRole: ServiceAccountRole;
  /** What the export Job of `npm run event -- down` assumes: writes to the event's folder of the archive only. */
  readonly archiveExportRole: ServiceAccountRole;
  /** The hub's Route 53 zone and, with HTTPS through ACM, its validated certificate. */
  readonly hubDomain: DomainName;
  /** Who reaches the private API endpoint on 443: listed networks and the SSM port-forward host. */
  readonly apiAccess: ApiAccess;

  /** The peering with the monitoring VPC, when the environment reports to monitoring. */
  readonly monitoringPeering?: VpcPeering;
  /** The CloudWatch alarm on EFS's PercentIOLimit, when the environment reports to monitoring. */
  readonly efsIoLimitAlarm?: EfsIoLimitAlarm;

  /**
   * @param monitoring the monitoring VPC to peer with, when the environment reports to one
   *   (@default none: the environment reports nowhere)
   */
  constructor(scope: Construct, id: string, env: Environment, monitoring?: MonitoringNetwork) {
    super(scope, id);
    this.env = env;
    const name = clusterName(env);
    useEnvironmentBackend(this, env, 'hub-cluster');
    environmentAwsProvider(this, env);
    const account = (this.account = new AwsAccount(this, 'account'));
    const budget = env.cost.budget;
    if (budget) {
      new EnvironmentBudget(this, 'budget', {
        environment: env.name,
        monthlyUsd: budget.monthlyUsd,
        alerts: budget.alerts,
        emails: budget.notify.emails,
        snsTopicArn: budget.notify.snsTopicArn,
      });
    }

    const hardened = new HardenedCluster(this, 'hardened-cluster', {
      account,
      name,
      kubernetesVersion: env.cluster.kubernetesVersion,
      vpcCidr: env.network.vpcCidr,
      availabilityZones: env.network.availabilityZones,
      natGateways: env.network.natGateways,
      publicEndpointCidrs: env.cluster.publicEndpointCidrs,
      admins: env.cluster.admins,
      logRetentionDays: env.cluster.logRetentionDays,
    });
    this.network = hardened.network;
    this.eks = hardened.eks;
    const cluster = this.eks.cluster;
    this.apiAccess = new ApiAccess(this, 'api-access', {
      account,
      name,
      clusterSecurityGroupId: cluster.vpcConfig.clusterSecurityGroupId,
      privateEndpointCidrs: env.cluster.privateEndpointCidrs,
      portForwardHost: env.cluster.ssmPortForward && {
        subnetId: this.network.privateSubnets[0].id,
        vpcId: this.network.vpc.id,
        vpcCidr: env.network.vpcCidr,
        instanceType: env.cluster.ssmPortForward.instanceType,
      },
    });

    const privateSubnetIds = this.network.privateSubnets.map((s) => s.id);
    const addPool = (
      kind: PoolSummary['kind'],
      poolName: string,
      pool: Environment['nodePools']['core'],
      extra: {
        amiType: string;
        subnetIds: string[];
        accelerator?: string;
        gpus?: number;
        gpuTimeSlicingReplicas?: number;
      },
    ) => {
      const { labels, taints } = poolScheduling(kind, poolName, extra.accelerator);
      const nodePool = hardened.addNodePool(poolName, {
        instanceType: pool.instanceType,
        amiType: extra.amiType,
        minSize: pool.minSize,
        maxSize: pool.maxSize,
        desiredSize: pool.desiredSize ?? pool.minSize,
        diskSizeGiB: pool.diskSizeGiB,
        subnetIds: extra.subnetIds,
        labels,
        taints,
        gpus: extra.gpus,
        gpuTimeSlicingReplicas: extra.gpuTimeSlicingReplicas,
        instanceTags: { [TERMINATION_HANDLER_MANAGED_TAG]: 'true' },
      });
      this.nodePools.push(nodePool);
      this.pools.push({
        name: poolName,
        kind,
        instanceType: pool.instanceType,
        maxSize: pool.maxSize,
        labels,
        taints,
        autoScalingGroupName: nodePool.autoScalingGroupName,
        subnetIds: extra.subnetIds,
      });
      return nodePool;
    };

    // The hub database is an EBS volume, which lives in one AZ: keeping the core pool in
    // that AZ means a replaced core node can always attach it (docs/architecture.md).
    const core = addPool('core', 'core', env.nodePools.core, {
      amiType: 'AL2023_x86_64_STANDARD',
      subnetIds: [privateSubnetIds[0]],
    });
    for (const [poolName, pool] of Object.entries(env.nodePools.user)) {
      addPool('user', poolName, pool, {
        amiType: 'AL2023_x86_64_STANDARD',
        subnetIds: privateSubnetIds,
      });
    }
    for (const [poolName, pool] of Object.entries(env.nodePools.gpu)) {
      const spec = instanceTypeSpec(pool.instanceType);
      addPool('gpu', poolName, pool, {
        amiType: pool.amiType,
        subnetIds: privateSubnetIds,
        accelerator: spec.accelerator,
        gpus: spec.gpus,
        gpuTimeSlicingReplicas: env.platform.gpu.timeSlicingReplicas,
      });
    }

    hardened.addDeploymentAddons(core.nodeGroup, environmentTags(env));

    // The AWS side of the platform add-ons (docs/storage-and-nodes.md).
    this.sharedStorage = new SharedFileSystem(this, 'shared-storage', {
      account,
      name,
      vpcId: this.network.vpc.id,
      subnetIds: privateSubnetIds,
      nodeSecurityGroupId: cluster.vpcConfig.clusterSecurityGroupId,
      nodeRoleArn: hardened.nodeRole.role.arn,
      issuer: this.eks.issuer,
      throughputMode: env.platform.efs.throughputMode,
      deletionProtection: env.platform.efs.deletionProtection,
    });
    this.terminationQueue = new TerminationQueue(this, 'termination-queue', {
      account,
      name,
      autoScalingGroupNames: this.pools.map((p) => p.autoScalingGroupName),
      issuer: this.eks.issuer,
      timings: drainTimings(env.platform.terminationHandler.drainGracePeriodSeconds),
    });
    this.autoscalerRole = new ServiceAccountRole(this, 'cluster-autoscaler-role', {
      issuer: this.eks.issuer,
      roleName: `${name}-cluster-autoscaler`,
      namespace: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT.namespace,
      serviceAccount: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT.name,
      statements: clusterAutoscalerStatements(account, name),
    });

    // The archive lives in its own stack (stacks/event-archive-stack.ts), named, not
    // referenced, so the cluster deploys and is destroyed without it. Its key is reached by
    // alias: any key of the account, only while it carries the archive's alias.
    this.archiveExportRole = new ServiceAccountRole(this, 'archive-export-role', {
      issuer: this.eks.issuer,
      roleName: archiveExportRoleName(env),
      namespace: HUB_NAMESPACE,
      serviceAccount: ARCHIVE_EXPORT_SERVICE_ACCOUNT,
      statements: [
        {
          Sid: 'WriteTheEventsFolder',
          Effect: 'Allow',
          Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
          Resource: `arn:${account.partition}:s3:::${archiveBucketName(env)}/${archiveEventPrefix(env)}/*`,
        },
        {
          Sid: 'EncryptWithTheArchiveKey',
          Effect: 'Allow',
          // Decrypt: completing a multipart upload of a KMS-encrypted object reads its data key.
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Resource: `arn:${account.partition}:kms:${account.region}:${account.accountId}:key/*`,
          Condition: {
            'ForAnyValue:StringEquals': { 'kms:ResourceAliases': `alias/${archiveKeyAlias(env)}` },
            StringEquals: { 'kms:ViaService': `s3.${account.region}.amazonaws.com` },
          },
        },
      ],
    });

    this.hubDomain = new DomainName(this, 'hub-domain', {
      ...env.hub.domain,
      certificate: env.hub.https.type === 'acm',
    });

    // The shared-password login's password, generated here so the platform only reads it.
    if (env.hub.authentication.type === 'shared-password') {
      new SharedPassword(this, 'shared-password', { secretName: sharedPasswordSecretName(name) });
    }
    // The hub owns its peering with monitoring: destroying the hub removes the peering and
    // monitoring's route to it, and nothing else of monitoring.
    if (monitoring) {
      this.monitoringPeering = new VpcPeering(this, 'monitoring-peering', {
        name: `${name}-to-${monitoring.name}`,
        requester: {
          vpcId: this.network.vpc.id,
          cidr: env.network.vpcCidr,
          routeTableIds: this.network.privateRouteTables.map((t) => t.id),
        },
        accepter: { vpcId: monitoring.vpcId, cidr: monitoring.cidr, routeTableIds: monitoring.routeTableIds },
      });
      // PercentIOLimit is in CloudWatch only: Prometheus cannot alert on it.
      this.efsIoLimitAlarm = new EfsIoLimitAlarm(this, 'efs-io-limit-alarm', {
        name,
        fileSystemId: this.sharedStorage.fileSystem.id,
        performanceMode: this.sharedStorage.performanceMode,
        topicArn: monitoring.alarms.topicArn,
        thresholdPercent: monitoring.alarms.efsIoLimitPercent,
        runbookUrl: `${monitoring.alarms.runbookUrl}#${EFS_IO_LIMIT_RUNBOOK_SECTION}`,
      });
    }

    new TerraformOutput(this, 'cluster_name', { value: cluster.name });
    new TerraformOutput(this, 'cluster_endpoint', { value: cluster.endpoint });
    new TerraformOutput(this, 'kubeconfig_command', {
      value: `aws eks update-kubeconfig --region ${env.region} --name ${name}`,
      description:
        'Run this to point kubectl at the cluster (needs an access entry: cluster.admins in config).',
    });
    const forward = this.apiAccess.portForwardInstance;
    if (forward && this.apiAccess.portForwardPolicy) {
      const host = Fn.replace(cluster.endpoint, 'https://', '');
      new TerraformOutput(this, 'api_port_forward_command', {
        value: Fn.join(' ', [
          'aws ssm start-session --region',
          env.region,
          '--target',
          forward.id,
          '--document-name',
          PORT_FORWARD_DOCUMENT,
          '--parameters',
          Fn.join('', [`host=`, host, `,portNumber=${API_PORT},localPortNumber=${API_TUNNEL_LOCAL_PORT}`]),
        ]),
        description: `Keep this running, then deploy the platform stack with TF_VAR_api_tunnel_port=${API_TUNNEL_LOCAL_PORT}.`,
      });
      new TerraformOutput(this, 'api_port_forward_policy_arn', {
        value: this.apiAccess.portForwardPolicy.arn,
        description: 'Attach to the operators who port-forward: that session, nothing else.',
      });
    }
    new TerraformOutput(this, 'node_pools', { value: this.nodePools.map((p) => p.nodeGroup.nodeGroupName) });
  }
}
