import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { AwsAccount } from '../aws-account';
import { HubVpc, HubVpcProps, flowLogGroupName } from '../network/hub-vpc';
import { EncryptionKey, cloudWatchLogsKeyStatement } from '../security/encryption-key';
import { HubEksCluster, controlPlaneLogGroupName } from './hub-eks-cluster';
import { ManagedAddon } from './managed-addon';
import { NodePool, NodePoolProps } from './node-pool';
import { NodeRole } from './node-role';
import { ServiceAccountRole } from './service-account-role';

/** A node pool of the cluster: what {@link HardenedCluster.addNodePool} does not fill in itself. */
export type HardenedNodePoolOptions = Omit<
  NodePoolProps,
  'cluster' | 'clusterName' | 'kubernetesVersion' | 'nodeRoleArn' | 'poolName' | 'dependsOn'
>;

export interface HardenedClusterProps {
  readonly account: AwsAccount;
  /** The cluster's name, also the prefix of every resource name (`hub-prod`, `monitoring-central`). */
  readonly name: string;
  readonly kubernetesVersion: string;
  /** The VPC's IPv4 range (a /16 to /20). */
  readonly vpcCidr: string;
  /** AZ names, one private and one public subnet each. */
  readonly availabilityZones: readonly string[];
  /** One NAT gateway per AZ, or a single shared one. */
  readonly natGateways: HubVpcProps['natGateways'];
  /** CIDRs allowed to the public API endpoint; empty keeps the API private. */
  readonly publicEndpointCidrs: readonly string[];
  /** IAM principal ARNs granted cluster admin. */
  readonly admins: readonly string[];
  /** Days the control-plane and flow logs are kept. */
  readonly logRetentionDays: number;
}

/**
 * The cluster every deployment builds on, hub or monitoring: a KMS key for the control-plane
 * and flow logs, another for envelope encryption of Secrets, the VPC, the private EKS
 * control plane, the node role, and the network add-ons nodes need to become Ready (vpc-cni
 * with its own role and network policy enforcement, kube-proxy). Which node pools there
 * are is the stack's: {@link addNodePool} adds each; once the first exists,
 * {@link addDeploymentAddons} adds coredns and the EBS CSI driver, which run as
 * Deployments and so need a node.
 *
 * Its resources are created in `scope`, not under this construct: they are the ones the
 * stacks created themselves before this construct existed, and their construct paths are
 * their Terraform addresses (a new path would replace the cluster).
 */
export class HardenedCluster extends Construct {
  readonly logKey: EncryptionKey;
  readonly secretsKey: EncryptionKey;
  readonly network: HubVpc;
  readonly eks: HubEksCluster;
  readonly cluster: EksCluster;
  /** The instance role of every node pool. */
  readonly nodeRole: NodeRole;
  /** vpc-cni and kube-proxy: node pools depend on them. */
  readonly networkAddons: EksAddon[];

  private readonly parent: Construct;
  private readonly props: HardenedClusterProps;

  constructor(scope: Construct, id: string, props: HardenedClusterProps) {
    super(scope, id);
    this.parent = scope;
    this.props = props;
    const { account, name } = props;

    this.logKey = new EncryptionKey(scope, 'log-key', {
      account,
      alias: `${name}/logs`,
      description: `${name}: control-plane and flow logs`,
      statements: [
        cloudWatchLogsKeyStatement(account, [controlPlaneLogGroupName(name), flowLogGroupName(name)]),
      ],
    });
    this.secretsKey = new EncryptionKey(scope, 'secrets-key', {
      account,
      alias: `${name}/eks-secrets`,
      description: `${name}: envelope encryption of Kubernetes Secrets`,
    });
    this.network = new HubVpc(scope, 'network', {
      account,
      name,
      clusterName: name,
      cidr: props.vpcCidr,
      availabilityZones: props.availabilityZones,
      natGateways: props.natGateways,
      logKeyArn: this.logKey.arn,
      logRetentionDays: props.logRetentionDays,
    });
    this.eks = new HubEksCluster(scope, 'eks', {
      account,
      name,
      kubernetesVersion: props.kubernetesVersion,
      subnetIds: this.network.privateSubnets.map((s) => s.id),
      publicEndpointCidrs: props.publicEndpointCidrs,
      admins: props.admins,
      secretsKeyArn: this.secretsKey.arn,
      logKeyArn: this.logKey.arn,
      logRetentionDays: props.logRetentionDays,
    });
    const cluster = (this.cluster = this.eks.cluster);

    // Nodes cannot become Ready without the CNI and kube-proxy; bootstrapSelfManagedAddons is off.
    this.networkAddons = [
      new ManagedAddon(scope, 'vpc-cni', {
        cluster,
        addonName: 'vpc-cni',
        serviceAccountRoleArn: new ServiceAccountRole(scope, 'vpc-cni-role', {
          issuer: this.eks.issuer,
          roleName: `${name}-vpc-cni`,
          namespace: 'kube-system',
          serviceAccount: 'aws-node',
          managedPolicyArns: [account.managedPolicyArn('AmazonEKS_CNI_Policy')],
        }).arn,
        configuration: { enableNetworkPolicy: 'true' },
      }).addon,
      new ManagedAddon(scope, 'kube-proxy', { cluster, addonName: 'kube-proxy' }).addon,
    ];
    this.nodeRole = new NodeRole(scope, 'node-role', { account, name });
  }

  /**
   * A managed node group `pool-<poolName>` of this cluster, at its Kubernetes version, with
   * the node role, joining once the network add-ons are there.
   */
  addNodePool(poolName: string, options: HardenedNodePoolOptions): NodePool {
    return new NodePool(this.parent, `pool-${poolName}`, {
      ...options,
      cluster: this.cluster,
      clusterName: this.props.name,
      kubernetesVersion: this.props.kubernetesVersion,
      nodeRoleArn: this.nodeRole.role.arn,
      poolName,
      dependsOn: this.networkAddons,
    });
  }

  /**
   * coredns and the EBS CSI driver (with its own role): Deployments, which EKS reports
   * healthy only once they run, so they wait for `firstNodes` (the core pool's node group).
   */
  /**
   * @param volumeTags when given, the EBS CSI driver tags every volume it creates with
   *   `kubernetes.io/cluster/<name>=owned` and these tags, so the orphan check finds any that
   *   outlive the teardown and Cost Explorer bills them to the environment (the provider's
   *   default tags do not reach what Kubernetes creates).
   */
  addDeploymentAddons(firstNodes: ITerraformDependable, volumeTags?: Readonly<Record<string, string>>): void {
    const { account, name } = this.props;
    const cluster = this.cluster;
    new ManagedAddon(this.parent, 'coredns', { cluster, addonName: 'coredns', dependsOn: [firstNodes] });
    new ManagedAddon(this.parent, 'ebs-csi-driver', {
      cluster,
      addonName: 'aws-ebs-csi-driver',
      serviceAccountRoleArn: new ServiceAccountRole(this.parent, 'ebs-csi-role', {
        issuer: this.eks.issuer,
        roleName: `${name}-ebs-csi`,
        namespace: 'kube-system',
        serviceAccount: 'ebs-csi-controller-sa',
        managedPolicyArns: [account.managedPolicyArn('service-role/AmazonEBSCSIDriverPolicy')],
      }).arn,
      configuration: volumeTags && { controller: { k8sTagClusterId: name, extraVolumeTags: volumeTags } },
      dependsOn: [firstNodes],
    });
  }
}
