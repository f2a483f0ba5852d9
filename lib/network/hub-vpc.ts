import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Construct } from 'constructs';
import { AwsAccount } from '../aws-account';
import { Cidr, cidrSubnet, cidrToString, parseCidr } from '../cidr';
import { policyDocument, serviceTrustPolicy } from '../iam/policy-document';

/** The CloudWatch log group of a VPC's flow logs (the log key's policy names it). */
export function flowLogGroupName(name: string): string {
  return `/aws/vpc/${name}/flow-logs`;
}

export interface HubVpcProps {
  readonly account: AwsAccount;
  /** Prefix of resource names, e.g. `hub-prod`. */
  readonly name: string;
  /** The EKS cluster that will use the subnets, for the load-balancer discovery tags. */
  readonly clusterName: string;
  /** A /16 to /20 IPv4 range. */
  readonly cidr: string;
  /** AZ names, one private and one public subnet each; a fixed list, so the plan never reshuffles subnets. */
  readonly availabilityZones: readonly string[];
  /** One NAT gateway per AZ, or a single shared one. */
  readonly natGateways: 'one-per-az' | 'single';
  /** KMS key for the flow-log group. */
  readonly logKeyArn: string;
  readonly logRetentionDays: number;
}

/**
 * A VPC for one hub: private subnets for nodes, public subnets for load balancers only,
 * NAT for egress, flow logs, and a default security group stripped of every rule.
 *
 * Each AZ gets a private subnet of an eighth of the range (pods take one VPC address
 * each) and a public subnet of a sixty-fourth, cut from the last eighth.
 */
export class HubVpc extends Construct {
  readonly vpc: Vpc;
  readonly privateSubnets: Subnet[] = [];
  readonly publicSubnets: Subnet[] = [];
  /** Route table of each private subnet, in the same order (peering adds its routes here). */
  readonly privateRouteTables: RouteTable[] = [];
  /** AZ name of each private subnet, in the same order. */
  readonly availabilityZones: string[] = [];

  constructor(scope: Construct, id: string, props: HubVpcProps) {
    super(scope, id);
    const range = parseCidr(props.cidr) as Cidr;
    const clusterTag = { [`kubernetes.io/cluster/${props.clusterName}`]: 'shared' };

    this.vpc = new Vpc(this, 'vpc', {
      cidrBlock: props.cidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: props.name },
    });

    new DefaultSecurityGroup(this, 'default-security-group', {
      vpcId: this.vpc.id,
      ingress: [],
      egress: [],
      tags: { Name: `${props.name}-default-unused` },
    });

    const gateway = new InternetGateway(this, 'internet-gateway', {
      vpcId: this.vpc.id,
      tags: { Name: props.name },
    });
    const publicRoutes = new RouteTable(this, 'public-routes', {
      vpcId: this.vpc.id,
      tags: { Name: `${props.name}-public` },
    });
    new Route(this, 'public-default-route', {
      routeTableId: publicRoutes.id,
      destinationCidrBlock: '0.0.0.0/0',
      gatewayId: gateway.id,
    });

    const lastEighth = cidrSubnet(range, 3, 7);
    const natGateways: NatGateway[] = [];
    props.availabilityZones.forEach((az, i) => {
      this.availabilityZones.push(az);

      const publicSubnet = new Subnet(this, `public-${i}`, {
        vpcId: this.vpc.id,
        availabilityZone: az,
        cidrBlock: cidrToString(cidrSubnet(lastEighth, 3, i)),
        mapPublicIpOnLaunch: false,
        tags: { Name: `${props.name}-public-${i}`, 'kubernetes.io/role/elb': '1', ...clusterTag },
      });
      new RouteTableAssociation(this, `public-${i}-routes`, {
        subnetId: publicSubnet.id,
        routeTableId: publicRoutes.id,
      });
      this.publicSubnets.push(publicSubnet);

      if (props.natGateways === 'one-per-az' || i === 0) {
        const address = new Eip(this, `nat-${i}-address`, {
          domain: 'vpc',
          tags: { Name: `${props.name}-nat-${i}` },
        });
        natGateways.push(
          new NatGateway(this, `nat-${i}`, {
            allocationId: address.allocationId,
            subnetId: publicSubnet.id,
            tags: { Name: `${props.name}-${i}` },
            dependsOn: [gateway],
          }),
        );
      }

      const privateSubnet = new Subnet(this, `private-${i}`, {
        vpcId: this.vpc.id,
        availabilityZone: az,
        cidrBlock: cidrToString(cidrSubnet(range, 3, i)),
        mapPublicIpOnLaunch: false,
        tags: { Name: `${props.name}-private-${i}`, 'kubernetes.io/role/internal-elb': '1', ...clusterTag },
      });
      const privateRoutes = new RouteTable(this, `private-${i}-routes`, {
        vpcId: this.vpc.id,
        tags: { Name: `${props.name}-private-${i}` },
      });
      new Route(this, `private-${i}-default-route`, {
        routeTableId: privateRoutes.id,
        destinationCidrBlock: '0.0.0.0/0',
        natGatewayId: natGateways[natGateways.length - 1].id,
      });
      this.privateRouteTables.push(privateRoutes);
      new RouteTableAssociation(this, `private-${i}-routes-association`, {
        subnetId: privateSubnet.id,
        routeTableId: privateRoutes.id,
      });
      this.privateSubnets.push(privateSubnet);
    });

    this.addFlowLogs(props);
  }

  private addFlowLogs(props: HubVpcProps): void {
    const logGroup = new CloudwatchLogGroup(this, 'flow-log-group', {
      name: flowLogGroupName(props.name),
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logKeyArn,
    });
    const role = new IamRole(this, 'flow-log-role', {
      name: `${props.name}-vpc-flow-logs`,
      assumeRolePolicy: serviceTrustPolicy('vpc-flow-logs.amazonaws.com', props.account.accountId),
    });
    new IamRolePolicy(this, 'flow-log-policy', {
      role: role.id,
      name: 'write-flow-logs',
      policy: policyDocument({
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        Resource: [logGroup.arn, `${logGroup.arn}:log-stream:*`],
      }),
    });
    new FlowLog(this, 'flow-log', {
      vpcId: this.vpc.id,
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: logGroup.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: 60,
    });
  }
}
