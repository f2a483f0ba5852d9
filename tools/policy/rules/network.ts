/** VPC, subnets, routes and security groups. */
import { StackView, TfResource, blocks, list } from '../stack-view';
import { Json, Rule } from '../types';
import { launchTemplateOf, nodeGroupsOf } from './node-groups';
import { ANYWHERE, outcome, show } from './outcome';
import { defaultRouteTarget, defaultRoutes } from './routes';

/** A security-group rule in any of its three Terraform spellings, normalised. */
export interface SgRule {
  /** Address of the resource that declares it. */
  readonly address: string;
  readonly direction: 'ingress' | 'egress';
  /** The aws_security_group the rule belongs to, when declared in this stack. */
  readonly group: TfResource | undefined;
  readonly protocol: string;
  readonly fromPort: number | undefined;
  readonly toPort: number | undefined;
  /** IPv4 and IPv6 CIDRs. */
  readonly cidrs: readonly string[];
  /** Managed prefix lists (their CIDRs live outside this stack). */
  readonly prefixLists: readonly string[];
  /** Source or destination security groups, as written (references). */
  readonly securityGroups: readonly string[];
  readonly self: boolean;
  readonly description: unknown;
}

/** Every security-group rule of the stack: inline blocks, aws_security_group_rule, aws_vpc_security_group_*_rule. */
export function securityGroupRules(stack: StackView): SgRule[] {
  const rules: SgRule[] = [];
  for (const group of stack.resources('aws_security_group')) {
    for (const direction of ['ingress', 'egress'] as const) {
      for (const r of blocks(group.body[direction]) as Json[]) {
        rules.push({
          address: group.address,
          direction,
          group,
          protocol: String(r.protocol),
          fromPort: r.from_port,
          toPort: r.to_port,
          cidrs: [...list(r.cidr_blocks), ...list(r.ipv6_cidr_blocks)],
          prefixLists: list(r.prefix_list_ids),
          securityGroups: list(r.security_groups),
          self: r.self === true,
          description: r.description,
        });
      }
    }
  }
  for (const r of stack.resources('aws_security_group_rule')) {
    rules.push({
      address: r.address,
      direction: r.body.type === 'egress' ? 'egress' : 'ingress',
      group: stack.target(r.body.security_group_id, 'aws_security_group'),
      protocol: String(r.body.protocol),
      fromPort: r.body.from_port,
      toPort: r.body.to_port,
      cidrs: [...list(r.body.cidr_blocks), ...list(r.body.ipv6_cidr_blocks)],
      prefixLists: list(r.body.prefix_list_ids),
      securityGroups: list(r.body.source_security_group_id),
      self: r.body.self === true,
      description: r.body.description,
    });
  }
  for (const direction of ['ingress', 'egress'] as const) {
    for (const r of stack.resources(`aws_vpc_security_group_${direction}_rule`)) {
      rules.push({
        address: r.address,
        direction,
        group: stack.target(r.body.security_group_id, 'aws_security_group'),
        protocol: String(r.body.ip_protocol),
        fromPort: r.body.from_port,
        toPort: r.body.to_port,
        cidrs: [...list(r.body.cidr_ipv4), ...list(r.body.cidr_ipv6)],
        prefixLists: list(r.body.prefix_list_id),
        securityGroups: list(r.body.referenced_security_group_id),
        self: false,
        description: r.body.description,
      });
    }
  }
  return rules;
}

/** Whether a rule admits TCP on `port`: protocol -1/all (every port), or tcp/6 with `port` in its range. */
export function coversTcpPort(rule: SgRule, port: number): boolean {
  const protocol = rule.protocol.toLowerCase();
  if (protocol === '-1' || protocol === 'all') return true;
  if (protocol !== 'tcp' && protocol !== '6') return false;
  if (rule.fromPort === undefined || rule.toPort === undefined) return false;
  return Number(rule.fromPort) <= port && port <= Number(rule.toPort);
}

const open = (rule: SgRule) => rule.cidrs.some((c) => ANYWHERE.includes(c));

/**
 * Node groups of `cluster` that run in the EKS-created cluster security group: EKS attaches
 * it when the launch template names no security groups, or when it names that group itself.
 */
function onClusterSecurityGroup(stack: StackView, cluster: TfResource): TfResource[] {
  return nodeGroupsOf(stack, cluster).filter((g) => {
    const ids = list(launchTemplateOf(stack, g)?.body.vpc_security_group_ids);
    return (
      ids.length === 0 ||
      ids.some((id) => /cluster_security_group_id$/.test(stack.reference(id)?.attribute ?? ''))
    );
  });
}

/** Subnets of a VPC. */
function subnetsOf(stack: StackView, vpc: TfResource): TfResource[] {
  return stack.resources('aws_subnet').filter((s) => stack.refersTo(s.body.vpc_id, vpc));
}

export const NETWORK_RULES: Rule[] = [
  {
    id: 'network.no-public-ingress',
    severity: 'must',
    title: 'No security-group ingress from 0.0.0.0/0 or ::/0',
    rationale:
      'Nodes and file systems must not be reachable from the internet; the hub load balancer is managed by Kubernetes.',
    anchors: ['CKV_AWS_24', 'CKV_AWS_25', 'CKV_AWS_260', 'CKV_AWS_277', 'AWS-0107'],
    reference: 'RC-27',
    *check(stack) {
      for (const rule of securityGroupRules(stack).filter((r) => r.direction === 'ingress')) {
        yield outcome(rule.address, [
          open(rule) &&
            `ingress ${rule.protocol} ${rule.fromPort}-${rule.toPort} from ${rule.cidrs.join(', ')}`,
        ]);
      }
    },
  },
  {
    id: 'network.descriptions',
    severity: 'should',
    title: 'Security groups and rules say what they are for',
    rationale: 'Reviewers can only judge network intent that is written down.',
    anchors: ['CKV_AWS_23', 'AWS-0099', 'AWS-0124'],
    reference: 'RC-28',
    *check(stack) {
      for (const group of stack.resources('aws_security_group')) {
        yield outcome(group.address, [!group.body.description && 'the security group has no description']);
      }
      for (const rule of securityGroupRules(stack)) {
        yield outcome(rule.address, [!rule.description && `an ${rule.direction} rule has no description`]);
      }
    },
  },
  {
    id: 'network.restricted-egress',
    severity: 'must',
    title: 'Unrestricted egress only as an accepted risk',
    rationale: 'Open egress lets a compromised pod exfiltrate data; where nodes need it, record why.',
    anchors: [
      'CKV_AWS_382',
      'AWS-0104',
      'EKS Best Practices: networking/subnets (nodes need outbound access)',
    ],
    reference: 'RC-29',
    *check(stack) {
      // Per group: Terraform removes AWS's default allow-all egress, so a group without rules has none.
      const egress = securityGroupRules(stack).filter((r) => r.direction === 'egress' && open(r));
      for (const group of stack.resources('aws_security_group')) {
        const rules = egress.filter((r) => r.group?.address === group.address);
        yield outcome(
          group.address,
          rules.map((r) => `${r.address}: egress ${r.protocol} to ${r.cidrs.join(', ')}`),
        );
      }
      for (const rule of egress.filter((r) => !r.group)) {
        yield outcome(rule.address, [`egress ${rule.protocol} to ${rule.cidrs.join(', ')}`]);
      }
      // The cluster security group is not in the Terraform JSON, but EKS creates it allowing all egress.
      for (const cluster of stack.resources('aws_eks_cluster')) {
        const groups = onClusterSecurityGroup(stack, cluster);
        yield outcome(cluster.address, [
          groups.length > 0 &&
            `node groups ${groups.map((g) => g.address).join(', ')} run in the EKS cluster security group, which allows all egress to 0.0.0.0/0`,
        ]);
      }
    },
  },
  {
    id: 'network.default-security-group-closed',
    severity: 'must',
    title: 'Each VPC default security group has no rules',
    rationale:
      'Anything launched without a group lands in the default one, which allows all traffic between members.',
    anchors: ['CKV2_AWS_12', 'AWS-0173'],
    reference: 'RC-30',
    *check(stack) {
      for (const vpc of stack.resources('aws_vpc')) {
        const group = stack
          .resources('aws_default_security_group')
          .find((g) => stack.refersTo(g.body.vpc_id, vpc));
        yield outcome(vpc.address, [
          !group && 'no aws_default_security_group strips the default group',
          group &&
            blocks(group.body.ingress).length + blocks(group.body.egress).length > 0 &&
            `${group.address} has rules`,
        ]);
      }
    },
  },
  {
    id: 'network.flow-logs',
    severity: 'must',
    title: 'Flow logs on every VPC',
    rationale: 'Network forensics after an incident need a record of who talked to whom.',
    anchors: ['CKV2_AWS_11', 'AWS-0178'],
    reference: 'RC-31',
    *check(stack) {
      for (const vpc of stack.resources('aws_vpc')) {
        const log = stack.resources('aws_flow_log').find((f) => stack.refersTo(f.body.vpc_id, vpc));
        yield outcome(vpc.address, [!log && 'no aws_flow_log for this VPC']);
      }
    },
  },
  {
    id: 'network.no-public-ip-subnets',
    severity: 'must',
    title: 'Subnets do not assign public IPs',
    rationale: 'An instance accidentally launched in a public subnet would get a public address.',
    anchors: ['CKV_AWS_130', 'AWS-0164'],
    reference: 'RC-32',
    *check(stack) {
      for (const subnet of stack.resources('aws_subnet')) {
        yield outcome(subnet.address, [
          subnet.body.map_public_ip_on_launch === true && 'map_public_ip_on_launch is true',
        ]);
      }
    },
  },
  {
    id: 'network.nat-per-az',
    severity: 'should',
    title: 'Each private subnet leaves through a NAT gateway in its own AZ',
    rationale: "With a shared NAT, one AZ's failure cuts image pulls and logins for every node.",
    anchors: ['EKS Best Practices: networking/subnets, Deploy NAT Gateways in each Availability Zone'],
    reference: 'RC-33',
    *check(stack) {
      for (const subnet of stack.resources('aws_subnet')) {
        const found = defaultRoutes(stack, subnet);
        const nat = (found.known ? found.routes : [])
          .map((r) => stack.target(r.nat_gateway_id, 'aws_nat_gateway'))
          .find((n) => n !== undefined);
        if (!nat) continue;
        const natSubnet = stack.target(nat.body.subnet_id, 'aws_subnet');
        const zone = JSON.stringify(subnet.body.availability_zone);
        yield outcome(subnet.address, [
          natSubnet !== undefined &&
            JSON.stringify(natSubnet.body.availability_zone) !== zone &&
            `routes through ${nat.address} in another availability zone`,
        ]);
      }
    },
  },
  {
    id: 'network.load-balancer-subnet-tags',
    severity: 'must',
    title: 'Subnets tagged for load-balancer discovery',
    rationale: "The hub's LoadBalancer service cannot be placed without the role tags.",
    anchors: [
      'EKS Best Practices: networking/subnets',
      'zero-to-jupyterhub values.yaml proxy.service.type LoadBalancer',
    ],
    reference: 'RC-34',
    *check(stack) {
      for (const vpc of stack.resources('aws_vpc')) {
        for (const subnet of subnetsOf(stack, vpc)) {
          const target = defaultRouteTarget(stack, subnet);
          const tag = target === 'internet' ? 'kubernetes.io/role/elb' : 'kubernetes.io/role/internal-elb';
          yield outcome(subnet.address, [
            subnet.body.tags?.[tag] !== '1' && `tag ${tag} is ${show(subnet.body.tags?.[tag])}, must be "1"`,
          ]);
        }
      }
    },
  },
];
