import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import { AwsAccount } from '../aws-account';
import { policyDocument, serviceTrustPolicy } from '../iam/policy-document';

/** The HTTPS port of the EKS API endpoint. */
export const API_PORT = 443;

/** The SSM document that forwards a local port to a host the instance can reach, and nothing else. */
export const PORT_FORWARD_DOCUMENT = 'AWS-StartPortForwardingSessionToRemoteHost';

/** The interface endpoints a Session Manager session needs, so the host needs no internet egress. */
export const SSM_ENDPOINT_SERVICES = ['ssm', 'ssmmessages', 'ec2messages'] as const;

/** Amazon Linux 2023 (the SSM agent preinstalled), resolved when the instance is created. */
const AL2023_AMI_PARAMETER = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';

export interface PortForwardHostProps {
  /** A private subnet of the cluster's VPC. */
  readonly subnetId: string;
  readonly vpcId: string;
  /** The VPC's range: the host's only egress (the API endpoint and the SSM interface endpoints are in it). */
  readonly vpcCidr: string;
  /** @default 't3.micro' */
  readonly instanceType?: string;
}

export interface ApiAccessProps {
  readonly account: AwsAccount;
  /** Prefix of resource names (the cluster's name). */
  readonly name: string;
  /** The cluster security group, which the private endpoint's network interfaces carry. */
  readonly clusterSecurityGroupId: string;
  /** Networks admitted on 443 to the private endpoint (a VPN, a peered network, a CI runner's subnet). */
  readonly privateEndpointCidrs: readonly string[];
  /** An SSM-managed instance operators port-forward through to the private endpoint. @default none */
  readonly portForwardHost?: PortForwardHostProps;
}

/**
 * Who reaches the cluster's private API endpoint. Its network interfaces carry only the
 * cluster security group, whose default rule admits only itself: without a rule for port
 * 443 from an operator's network, nothing outside the cluster can run Helm or kubectl
 * (EKS user guide, "Cluster API server endpoint" and "Security group requirements").
 *
 * Each listed network gets an ingress rule on 443. The optional port-forward host is a
 * small instance in a private subnet with no inbound rule, no public address and no SSH
 * key, managed by SSM through interface endpoints in its subnet, so its only egress is
 * HTTPS inside the VPC; it alone is admitted on 443. Operators get a managed policy that
 * allows exactly a port-forwarding session to it and nothing else.
 */
export class ApiAccess extends Construct {
  readonly ingressRules: VpcSecurityGroupIngressRule[] = [];
  /** What can reach the API, for the platform stack's check and the outputs. */
  readonly admitted: readonly string[];
  readonly portForwardInstance?: Instance;
  /** Attach to the operators' IAM principals: a port-forwarding session to the instance, nothing else. */
  readonly portForwardPolicy?: IamPolicy;

  constructor(scope: Construct, id: string, props: ApiAccessProps) {
    super(scope, id);
    const admitted: string[] = [];
    props.privateEndpointCidrs.forEach((cidr, i) => {
      this.ingressRules.push(
        new VpcSecurityGroupIngressRule(this, `private-endpoint-${i}`, {
          securityGroupId: props.clusterSecurityGroupId,
          description: `Kubernetes API from ${cidr}`,
          ipProtocol: 'tcp',
          fromPort: API_PORT,
          toPort: API_PORT,
          cidrIpv4: cidr,
        }),
      );
      admitted.push(`network ${cidr}`);
    });

    const host = props.portForwardHost;
    if (host) {
      const group = new SecurityGroup(this, 'port-forward-group', {
        name: `${props.name}-api-port-forward`,
        description: 'SSM port-forward host to the Kubernetes API: no inbound rule',
        vpcId: host.vpcId,
        // Rules live in their own resources; none inline.
        ingress: [],
        egress: [],
      });
      // HTTPS out, inside the VPC only: the SSM interface endpoints and the API endpoint.
      new VpcSecurityGroupEgressRule(this, 'port-forward-egress', {
        securityGroupId: group.id,
        description: 'HTTPS to the SSM endpoints and the Kubernetes API, inside the VPC',
        ipProtocol: 'tcp',
        fromPort: API_PORT,
        toPort: API_PORT,
        cidrIpv4: host.vpcCidr,
      });
      const endpointGroup = new SecurityGroup(this, 'ssm-endpoint-group', {
        name: `${props.name}-ssm-endpoints`,
        description: 'SSM interface endpoints: HTTPS from the port-forward host only',
        vpcId: host.vpcId,
        ingress: [],
        egress: [],
      });
      new VpcSecurityGroupIngressRule(this, 'ssm-endpoint-ingress', {
        securityGroupId: endpointGroup.id,
        description: 'HTTPS from the SSM port-forward host',
        ipProtocol: 'tcp',
        fromPort: API_PORT,
        toPort: API_PORT,
        referencedSecurityGroupId: group.id,
      });
      for (const service of SSM_ENDPOINT_SERVICES) {
        new VpcEndpoint(this, `ssm-endpoint-${service}`, {
          vpcId: host.vpcId,
          serviceName: `com.amazonaws.${props.account.region}.${service}`,
          vpcEndpointType: 'Interface',
          subnetIds: [host.subnetId],
          securityGroupIds: [endpointGroup.id],
          privateDnsEnabled: true,
        });
      }
      this.ingressRules.push(
        new VpcSecurityGroupIngressRule(this, 'port-forward-ingress', {
          securityGroupId: props.clusterSecurityGroupId,
          description: 'Kubernetes API from the SSM port-forward host',
          ipProtocol: 'tcp',
          fromPort: API_PORT,
          toPort: API_PORT,
          referencedSecurityGroupId: group.id,
        }),
      );

      const role = new IamRole(this, 'port-forward-role', {
        name: `${props.name}-api-port-forward`,
        assumeRolePolicy: serviceTrustPolicy('ec2.amazonaws.com'),
      });
      // What the SSM agent needs to register and carry sessions; nothing about EKS.
      new IamRolePolicyAttachment(this, 'port-forward-ssm', {
        role: role.name,
        policyArn: props.account.managedPolicyArn('AmazonSSMManagedInstanceCore'),
      });
      const profile = new IamInstanceProfile(this, 'port-forward-profile', {
        name: `${props.name}-api-port-forward`,
        role: role.name,
      });
      const ami = new DataAwsSsmParameter(this, 'port-forward-ami', { name: AL2023_AMI_PARAMETER });
      this.portForwardInstance = new Instance(this, 'port-forward-host', {
        ami: ami.insecureValue,
        instanceType: host.instanceType ?? 't3.micro',
        subnetId: host.subnetId,
        vpcSecurityGroupIds: [group.id],
        iamInstanceProfile: profile.name,
        associatePublicIpAddress: false,
        // t3 instances are EBS-optimized at no charge; saying so keeps it true for any type chosen.
        ebsOptimized: true,
        metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
        rootBlockDevice: { volumeType: 'gp3', encrypted: true },
        tags: { Name: `${props.name}-api-port-forward` },
        // A newer AMI must not replace the host under a running session; replace it deliberately.
        lifecycle: { ignoreChanges: ['ami'] },
      });
      const { partition, region, accountId } = props.account;
      this.portForwardPolicy = new IamPolicy(this, 'port-forward-policy', {
        name: `${props.name}-api-port-forward`,
        description: `Port-forward to the Kubernetes API of ${props.name} through SSM, and nothing else`,
        policy: policyDocument(
          {
            Sid: 'PortForwardToTheApiHost',
            Effect: 'Allow',
            Action: 'ssm:StartSession',
            Resource: [
              `arn:${partition}:ec2:${region}:${accountId}:instance/${this.portForwardInstance.id}`,
              `arn:${partition}:ssm:${region}::document/${PORT_FORWARD_DOCUMENT}`,
            ],
            // Only the documents listed above: no shell session on the host.
            Condition: { BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' } },
          },
          {
            Sid: 'EndOwnSessions',
            Effect: 'Allow',
            Action: ['ssm:TerminateSession', 'ssm:ResumeSession'],
            // `$${...}` is Terraform's escape: IAM receives the policy variable ${aws:userid}.
            Resource: `arn:${partition}:ssm:*:*:session/$\${aws:userid}-*`,
          },
        ),
      });
      admitted.push('the SSM port-forward host');
    }
    this.admitted = admitted;
  }
}
