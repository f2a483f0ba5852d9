import { EfsAccessPoint } from '@cdktf/provider-aws/lib/efs-access-point';
import { EfsBackupPolicy } from '@cdktf/provider-aws/lib/efs-backup-policy';
import { EfsFileSystem } from '@cdktf/provider-aws/lib/efs-file-system';
import { EfsFileSystemPolicy } from '@cdktf/provider-aws/lib/efs-file-system-policy';
import { EfsMountTarget } from '@cdktf/provider-aws/lib/efs-mount-target';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import { AwsAccount } from '../aws-account';
import { OidcIssuer, ServiceAccountRole } from '../cluster/service-account-role';
import { HOME_CLAIM, NOTEBOOK_GID, NOTEBOOK_UID, SHARED_CLAIM } from '../hub-storage';
import { EFS_CSI_CONTROLLER_SERVICE_ACCOUNT } from '../platform/service-accounts';
import { PolicyStatement, policyDocument } from '../iam/policy-document';
import { EncryptionKey } from '../security/encryption-key';

/**
 * Tag naming the cluster whose EFS CSI controller created an access point. The driver's own
 * tag (`efs.csi.aws.com/cluster=true`) is the same in every cluster, so this one, passed to
 * the controller through the chart's `controller.tags`, is what the role's create, tag and
 * delete permissions are conditioned on. No `:` or space: the driver's --tags format splits on them.
 */
export const EFS_CSI_CLUSTER_TAG = 'hub/efs-csi-cluster';

/** The mount options of every EFS volume: TLS (the driver's default, stated) and IAM authorization. */
export const EFS_MOUNT_OPTIONS: readonly string[] = ['tls', 'iam'];

/** Root folders of the access points; never `/`, so a mount sees only its own tree. */
export const EFS_ROOT_DIRECTORIES: Readonly<Record<string, string>> = {
  [HOME_CLAIM]: '/home',
  [SHARED_CLAIM]: '/shared',
};

/**
 * The file system's performance mode: General Purpose, the low-latency mode for home
 * directories, and the one for which EFS reports PercentIOLimit (the I/O limit alarm).
 */
export const EFS_PERFORMANCE_MODE = 'generalPurpose';

/** Where dynamically provisioned EFS volumes live. */
export const EFS_DYNAMIC_BASE_PATH = '/dynamic';

export interface SharedFileSystemProps {
  readonly account: AwsAccount;
  /** Prefix of resource names, e.g. `hub-prod`. */
  readonly name: string;
  readonly vpcId: string;
  /** Subnets to place a mount target in: one per AZ that runs nodes. */
  readonly subnetIds: readonly string[];
  /**
   * Security group admitted to NFS: the EKS cluster security group. The VPC CNI gives pods
   * their node's security groups, so this admits every pod too; the file-system policy,
   * not the network, is what limits mounts to the nodes' role.
   */
  readonly nodeSecurityGroupId: string;
  /** The node role: the only principal the file-system policy lets mount (with IAM, through an access point). */
  readonly nodeRoleArn: string;
  /** The cluster's OIDC issuer, for the CSI controller's role. */
  readonly issuer: OidcIssuer;
  /** @default 'elastic' */
  readonly throughputMode?: 'elastic' | 'bursting';
  /** Terraform refuses to destroy the file system. @default false */
  readonly deletionProtection?: boolean;
}

/**
 * The hub's shared file system: EFS encrypted with a rotating key, elastic throughput,
 * daily backups, infrequent-access tiering that returns files on first read, a mount
 * target in every node subnet behind a security group that admits NFS from the cluster
 * security group, a file-system policy that lets only the node role mount, only through a
 * mount target, over TLS and through an access point, never as root, access points with
 * the notebook user's identity for home and shared folders, and the IAM role of the EFS
 * CSI controller, which may create, tag and delete only access points carrying this
 * cluster's tag.
 */
export class SharedFileSystem extends Construct {
  readonly fileSystem: EfsFileSystem;
  readonly mountTargets: EfsMountTarget[] = [];
  readonly securityGroup: SecurityGroup;
  /** Access points by claim name (`home`, `shared`). */
  readonly accessPoints: Readonly<Record<string, EfsAccessPoint>>;
  readonly csiControllerRole: ServiceAccountRole;
  /** Tags the CSI controller puts on the access points it creates (the chart's `controller.tags`). */
  readonly csiAccessPointTags: Readonly<Record<string, string>>;
  readonly policy: EfsFileSystemPolicy;
  /** Its performance mode (which decides the CloudWatch metrics EFS reports for it). */
  readonly performanceMode: string = EFS_PERFORMANCE_MODE;

  constructor(scope: Construct, id: string, props: SharedFileSystemProps) {
    super(scope, id);
    const key = new EncryptionKey(this, 'key', {
      account: props.account,
      alias: `${props.name}/efs`,
      description: `${props.name}: shared home and course folders (EFS)`,
    });

    this.fileSystem = new EfsFileSystem(this, 'file-system', {
      creationToken: `${props.name}-shared`,
      encrypted: true,
      kmsKeyId: key.arn,
      performanceMode: EFS_PERFORMANCE_MODE,
      // Bursting credits scale with stored bytes; small home folders run dry (pangeo hubs).
      throughputMode: props.throughputMode ?? 'elastic',
      lifecyclePolicy: [
        { transitionToIa: 'AFTER_30_DAYS' },
        { transitionToPrimaryStorageClass: 'AFTER_1_ACCESS' },
      ],
      tags: { Name: `${props.name}-shared` },
      lifecycle: { preventDestroy: props.deletionProtection ?? false },
    });
    new EfsBackupPolicy(this, 'backup', {
      fileSystemId: this.fileSystem.id,
      backupPolicy: { status: 'ENABLED' },
    });

    this.securityGroup = new SecurityGroup(this, 'security-group', {
      name: `${props.name}-efs`,
      description: `NFS to ${props.name}'s shared file system, from its nodes only`,
      vpcId: props.vpcId,
      tags: { Name: `${props.name}-efs` },
    });
    new VpcSecurityGroupIngressRule(this, 'nfs-from-nodes', {
      securityGroupId: this.securityGroup.id,
      description: 'NFS from the cluster nodes',
      ipProtocol: 'tcp',
      fromPort: 2049,
      toPort: 2049,
      referencedSecurityGroupId: props.nodeSecurityGroupId,
    });

    props.subnetIds.forEach((subnetId, i) => {
      this.mountTargets.push(
        new EfsMountTarget(this, `mount-target-${i}`, {
          fileSystemId: this.fileSystem.id,
          subnetId,
          securityGroups: [this.securityGroup.id],
        }),
      );
    });

    const accessPoints: Record<string, EfsAccessPoint> = {};
    for (const [claim, path] of Object.entries(EFS_ROOT_DIRECTORIES)) {
      accessPoints[claim] = new EfsAccessPoint(this, `access-point-${claim}`, {
        fileSystemId: this.fileSystem.id,
        // Every client acts as the notebook user, whatever uid its process runs as.
        posixUser: { uid: NOTEBOOK_UID, gid: NOTEBOOK_GID },
        rootDirectory: {
          path,
          creationInfo: { ownerUid: NOTEBOOK_UID, ownerGid: NOTEBOOK_GID, permissions: '0755' },
        },
        tags: { Name: `${props.name}-${claim}` },
      });
    }
    this.accessPoints = accessPoints;

    const { partition, region, accountId } = props.account;
    const accessPointArns = `arn:${partition}:elasticfilesystem:${region}:${accountId}:access-point/*`;

    // IAM decides who mounts: any pod reaches the mount targets (it has its node's groups).
    const clientActions = ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'];
    const statements: PolicyStatement[] = [
      {
        Sid: 'NodesMountThroughAccessPoints',
        Effect: 'Allow',
        Principal: { AWS: props.nodeRoleArn },
        Action: clientActions,
        Resource: this.fileSystem.arn,
        Condition: {
          Bool: { 'elasticfilesystem:AccessedViaMountTarget': 'true', 'aws:SecureTransport': 'true' },
          Null: { 'elasticfilesystem:AccessPointArn': 'false' },
        },
      },
      {
        Sid: 'DenyWithoutTls',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: '*',
        Resource: this.fileSystem.arn,
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        Sid: 'DenyMountsWithoutAccessPoint',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: [...clientActions, 'elasticfilesystem:ClientRootAccess'],
        Resource: this.fileSystem.arn,
        Condition: { Null: { 'elasticfilesystem:AccessPointArn': 'true' } },
      },
    ];
    this.policy = new EfsFileSystemPolicy(this, 'policy', {
      fileSystemId: this.fileSystem.id,
      policy: policyDocument(...statements),
    });

    this.csiAccessPointTags = { [EFS_CSI_CLUSTER_TAG]: props.name };
    const ownTag = { [`aws:RequestTag/${EFS_CSI_CLUSTER_TAG}`]: props.name };
    const sa = EFS_CSI_CONTROLLER_SERVICE_ACCOUNT;
    this.csiControllerRole = new ServiceAccountRole(this, 'csi-controller-role', {
      issuer: props.issuer,
      roleName: `${props.name}-efs-csi`,
      namespace: sa.namespace,
      serviceAccount: sa.name,
      statements: [
        {
          Sid: 'Describe',
          Effect: 'Allow',
          Action: [
            'elasticfilesystem:DescribeAccessPoints',
            'elasticfilesystem:DescribeFileSystems',
            'elasticfilesystem:DescribeMountTargets',
          ],
          Resource: this.fileSystem.arn,
        },
        {
          Sid: 'DescribeAvailabilityZones',
          Effect: 'Allow',
          Action: 'ec2:DescribeAvailabilityZones',
          Resource: '*',
        },
        {
          Sid: 'CreateClusterTaggedAccessPoints',
          Effect: 'Allow',
          Action: 'elasticfilesystem:CreateAccessPoint',
          Resource: [this.fileSystem.arn, accessPointArns],
          Condition: { StringEquals: ownTag },
        },
        {
          // Tags only as part of creating an access point: never on existing ones (others', Terraform's).
          Sid: 'TagOnCreateOnly',
          Effect: 'Allow',
          Action: 'elasticfilesystem:TagResource',
          Resource: accessPointArns,
          Condition: { StringEquals: { ...ownTag, 'elasticfilesystem:CreateAction': 'CreateAccessPoint' } },
        },
        {
          Sid: 'DeleteClusterTaggedAccessPoints',
          Effect: 'Allow',
          Action: 'elasticfilesystem:DeleteAccessPoint',
          Resource: accessPointArns,
          Condition: { StringEquals: { [`aws:ResourceTag/${EFS_CSI_CLUSTER_TAG}`]: props.name } },
        },
      ],
    });
  }
}
