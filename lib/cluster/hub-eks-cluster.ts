import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Fn, TerraformLocal } from 'cdktf';
import { Construct } from 'constructs';
import { AwsAccount } from '../aws-account';
import { serviceTrustPolicy } from '../iam/policy-document';
import { OidcIssuer } from './service-account-role';

/** Every control-plane log type EKS offers; audit and authenticator are the record of who did what. */
export const CONTROL_PLANE_LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];

/** The log group EKS writes a cluster's control-plane logs to (fixed by EKS; the log key's policy names it). */
export function controlPlaneLogGroupName(clusterName: string): string {
  return `/aws/eks/${clusterName}/cluster`;
}

export interface HubEksClusterProps {
  readonly account: AwsAccount;
  readonly name: string;
  readonly kubernetesVersion: string;
  /** Private subnets in at least two AZs for the control plane's network interfaces. */
  readonly subnetIds: string[];
  /** CIDRs allowed to the public endpoint; empty keeps the API private. */
  readonly publicEndpointCidrs: readonly string[];
  /** IAM principal ARNs granted cluster admin. */
  readonly admins: readonly string[];
  readonly secretsKeyArn: string;
  readonly logKeyArn: string;
  readonly logRetentionDays: number;
}

/**
 * The hub's EKS control plane: private API endpoint, envelope-encrypted Secrets, every log
 * type, access entries instead of the aws-auth ConfigMap with no standing admin for
 * whoever ran Terraform, and the OIDC provider for IAM roles for service accounts.
 */
export class HubEksCluster extends Construct {
  readonly cluster: EksCluster;
  readonly issuer: OidcIssuer;
  /** The name EKS gives the cluster, as a plain string (`cluster.name` is a token). */
  readonly name: string;
  /** CIDRs the public endpoint accepts; empty when the endpoint is private only. */
  readonly publicEndpointCidrs: readonly string[];

  constructor(scope: Construct, id: string, props: HubEksClusterProps) {
    super(scope, id);
    this.name = props.name;
    this.publicEndpointCidrs = [...props.publicEndpointCidrs];
    const role = new IamRole(this, 'role', {
      name: `${props.name}-control-plane`,
      assumeRolePolicy: serviceTrustPolicy('eks.amazonaws.com'),
    });
    const rolePolicy = new IamRolePolicyAttachment(this, 'role-policy', {
      role: role.name,
      policyArn: props.account.managedPolicyArn('AmazonEKSClusterPolicy'),
    });

    // Created before the cluster so EKS does not create it without retention or encryption.
    const logGroup = new CloudwatchLogGroup(this, 'log-group', {
      name: controlPlaneLogGroupName(props.name),
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logKeyArn,
    });

    const publicEndpoint = props.publicEndpointCidrs.length > 0;
    this.cluster = new EksCluster(this, 'cluster', {
      name: this.name,
      version: props.kubernetesVersion,
      // Extended support costs six times the hourly rate; never slip into it silently.
      upgradePolicy: { supportType: 'STANDARD' },
      roleArn: role.arn,
      vpcConfig: {
        subnetIds: props.subnetIds,
        endpointPrivateAccess: true,
        endpointPublicAccess: publicEndpoint,
        publicAccessCidrs: publicEndpoint ? [...props.publicEndpointCidrs] : undefined,
      },
      enabledClusterLogTypes: CONTROL_PLANE_LOG_TYPES,
      encryptionConfig: { resources: ['secrets'], provider: { keyArn: props.secretsKeyArn } },
      accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: false },
      // vpc-cni, kube-proxy and coredns come as managed add-ons, versioned with the cluster.
      bootstrapSelfManagedAddons: false,
      dependsOn: [rolePolicy, logGroup],
    });

    props.admins.forEach((principalArn, i) => {
      const entry = new EksAccessEntry(this, `admin-${i}`, {
        clusterName: this.cluster.name,
        principalArn,
        type: 'STANDARD',
      });
      new EksAccessPolicyAssociation(this, `admin-${i}-policy`, {
        clusterName: this.cluster.name,
        principalArn: entry.principalArn,
        policyArn: `arn:${props.account.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
        accessScope: { type: 'cluster' },
      });
    });

    const issuerUrl = this.cluster.identity.get(0).oidc.get(0).issuer;
    const provider = new IamOpenidConnectProvider(this, 'oidc-provider', {
      url: issuerUrl,
      clientIdList: ['sts.amazonaws.com'],
    });
    // A local keeps the quoted replace() call out of the JSON policy documents that use it.
    const issuerHost = new TerraformLocal(this, 'oidc-issuer-host', Fn.replace(issuerUrl, 'https://', ''));
    this.issuer = { providerArn: provider.arn, issuerHost: issuerHost.asString };
  }
}
