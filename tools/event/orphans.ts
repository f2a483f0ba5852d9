/**
 * What an environment can leave billing after its stacks are destroyed: AWS resources
 * still tagged for it (`hub:environment=<env>`, the provider's default tag) or created by
 * Kubernetes for its cluster, which Terraform never knew about. Each is listed with its
 * id and an approximate cost per day from the price table, and can be removed.
 *
 * Attribution is always by a tag that names this environment or its cluster, never by a
 * tag that any cluster's resources carry (the EBS CSI driver's `ebs.csi.aws.com/cluster`,
 * a PVC tag), so another environment's resources in the same account are never touched.
 */
import {
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  DescribeLogGroupsCommandOutput,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  DeleteNetworkInterfaceCommand,
  DeleteSecurityGroupCommand,
  DeleteVolumeCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVolumesCommand,
  Filter,
  Tag,
} from '@aws-sdk/client-ec2';
import {
  DeleteAccessPointCommand,
  DescribeAccessPointsCommand,
  DescribeAccessPointsCommandOutput,
} from '@aws-sdk/client-efs';
import {
  DeleteLoadBalancerCommand,
  DeleteTargetGroupCommand,
  DescribeLoadBalancersCommand,
  DescribeLoadBalancersCommandOutput,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetGroupsCommandOutput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { COST_TAG_KEYS } from '../../lib/cost/cost-tags';
import { HOURS_PER_MONTH, PriceTable } from '../../lib/cost/prices';
import { AwsClients } from '../shared/aws';

export type OrphanKind =
  | 'load-balancer'
  | 'target-group'
  | 'security-group'
  | 'ebs-volume'
  | 'network-interface'
  | 'efs-access-point'
  | 'log-group';

export interface Orphan {
  readonly kind: OrphanKind;
  /** What deletes it: an ARN, a resource id or a log group name. */
  readonly id: string;
  /** Its Name tag or name, when it has one. */
  readonly name?: string;
  /** The tag (or name) that ties it to the environment. */
  readonly because: string;
  /** Approximate USD per day at the price table's rates; 0 for what AWS does not bill. */
  readonly usdPerDay: number;
  /** What the price leaves out, when it is not the whole cost. */
  readonly priceNote?: string;
}

export interface OrphanScope {
  /** The environment's name, the value of its `hub:environment` tag. */
  readonly environment: string;
  /** Its EKS cluster's name (lib/naming.ts clusterName). */
  readonly cluster: string;
}

type Tags = ReadonlyArray<{ readonly Key?: string; readonly Value?: string }> | undefined;

/** Why the tags tie a resource to the scope, or undefined when they do not. */
export function attribution(tags: Tags, scope: OrphanScope): string | undefined {
  const value = (key: string) => tags?.find((t) => t.Key === key)?.Value;
  const checks: Array<[key: string, expected: string | undefined]> = [
    [COST_TAG_KEYS.environment, scope.environment],
    [`kubernetes.io/cluster/${scope.cluster}`, undefined],
    ['elbv2.k8s.aws/cluster', scope.cluster],
    ['KubernetesCluster', scope.cluster],
    ['cluster.k8s.amazonaws.com/name', scope.cluster],
    ['eks:cluster-name', scope.cluster],
  ];
  for (const [key, expected] of checks) {
    const found = value(key);
    if (found === undefined) continue;
    if (expected === undefined || found === expected) return `${key}=${found}`;
  }
  return undefined;
}

const nameOf = (tags: Tags) => tags?.find((t) => t.Key === 'Name')?.Value;
const perDay = (perHour: number) => perHour * 24;
const gbMonthPerDay = (gb: number, perGbMonth: number) => (gb * perGbMonth * 24) / HOURS_PER_MONTH;

/** Runs `describe` once per filter and merges what it finds by `id`. */
async function byFilters<T>(
  filters: Filter[][],
  describe: (filters: Filter[]) => Promise<T[]>,
  id: (item: T) => string | undefined,
): Promise<T[]> {
  const found = new Map<string, T>();
  for (const filter of filters) {
    for (const item of await describe(filter)) {
      const key = id(item);
      if (key) found.set(key, item);
    }
  }
  return [...found.values()];
}

function tagFilters(scope: OrphanScope): Filter[][] {
  return [
    [{ Name: `tag:${COST_TAG_KEYS.environment}`, Values: [scope.environment] }],
    [{ Name: 'tag-key', Values: [`kubernetes.io/cluster/${scope.cluster}`] }],
    [{ Name: 'tag:elbv2.k8s.aws/cluster', Values: [scope.cluster] }],
    [{ Name: 'tag:KubernetesCluster', Values: [scope.cluster] }],
    [{ Name: 'tag:cluster.k8s.amazonaws.com/name', Values: [scope.cluster] }],
  ];
}

/** ELBv2 tags for up to 20 ARNs per call. */
async function elbTags(aws: AwsClients, arns: string[]): Promise<Map<string, Tag[]>> {
  const tags = new Map<string, Tag[]>();
  for (let i = 0; i < arns.length; i += 20) {
    const out = await aws.elbv2.send(new DescribeTagsCommand({ ResourceArns: arns.slice(i, i + 20) }));
    for (const d of out.TagDescriptions ?? []) if (d.ResourceArn) tags.set(d.ResourceArn, d.Tags ?? []);
  }
  return tags;
}

async function loadBalancers(aws: AwsClients, scope: OrphanScope, prices: PriceTable): Promise<Orphan[]> {
  const all: { arn: string; name?: string }[] = [];
  let marker: string | undefined;
  do {
    const page: DescribeLoadBalancersCommandOutput = await aws.elbv2.send(
      new DescribeLoadBalancersCommand({ Marker: marker }),
    );
    for (const lb of page.LoadBalancers ?? [])
      if (lb.LoadBalancerArn) all.push({ arn: lb.LoadBalancerArn, name: lb.LoadBalancerName });
    marker = page.NextMarker;
  } while (marker);
  const tags = await elbTags(
    aws,
    all.map((lb) => lb.arn),
  );
  return all.flatMap((lb) => {
    const because = attribution(tags.get(lb.arn), scope);
    return because
      ? [
          {
            kind: 'load-balancer' as const,
            id: lb.arn,
            name: lb.name,
            because,
            usdPerDay: perDay(prices.loadBalancerHour),
            priceNote: 'capacity units not included',
          },
        ]
      : [];
  });
}

async function targetGroups(aws: AwsClients, scope: OrphanScope): Promise<Orphan[]> {
  const all: { arn: string; name?: string }[] = [];
  let marker: string | undefined;
  do {
    const page: DescribeTargetGroupsCommandOutput = await aws.elbv2.send(
      new DescribeTargetGroupsCommand({ Marker: marker }),
    );
    for (const tg of page.TargetGroups ?? [])
      if (tg.TargetGroupArn) all.push({ arn: tg.TargetGroupArn, name: tg.TargetGroupName });
    marker = page.NextMarker;
  } while (marker);
  const tags = await elbTags(
    aws,
    all.map((tg) => tg.arn),
  );
  return all.flatMap((tg) => {
    const because = attribution(tags.get(tg.arn), scope);
    return because
      ? [{ kind: 'target-group' as const, id: tg.arn, name: tg.name, because, usdPerDay: 0 }]
      : [];
  });
}

async function securityGroups(aws: AwsClients, scope: OrphanScope): Promise<Orphan[]> {
  const groups = await byFilters(
    tagFilters(scope),
    async (Filters) =>
      (await aws.ec2.send(new DescribeSecurityGroupsCommand({ Filters }))).SecurityGroups ?? [],
    (g) => g.GroupId,
  );
  return groups.flatMap((g) => {
    const because = attribution(g.Tags, scope);
    // A VPC's default group goes with its VPC and cannot be deleted on its own.
    if (!because || !g.GroupId || g.GroupName === 'default') return [];
    return [
      {
        kind: 'security-group' as const,
        id: g.GroupId,
        name: nameOf(g.Tags) ?? g.GroupName,
        because,
        usdPerDay: 0,
      },
    ];
  });
}

async function volumes(aws: AwsClients, scope: OrphanScope, prices: PriceTable): Promise<Orphan[]> {
  const found = await byFilters(
    tagFilters(scope),
    async (Filters) => (await aws.ec2.send(new DescribeVolumesCommand({ Filters }))).Volumes ?? [],
    (v) => v.VolumeId,
  );
  return found.flatMap((v) => {
    const because = attribution(v.Tags, scope);
    if (!because || !v.VolumeId) return [];
    const pvc = v.Tags?.find((t) => t.Key === 'kubernetes.io/created-for/pvc/name')?.Value;
    return [
      {
        kind: 'ebs-volume' as const,
        id: v.VolumeId,
        name: nameOf(v.Tags) ?? (pvc ? `pvc ${pvc}` : undefined),
        because,
        usdPerDay: gbMonthPerDay(v.Size ?? 0, prices.ebsGp3GbMonth),
        priceNote: `${v.Size ?? 0} GB at the gp3 rate`,
      },
    ];
  });
}

async function networkInterfaces(aws: AwsClients, scope: OrphanScope): Promise<Orphan[]> {
  // Only detached ones: an attached interface goes with what it is attached to.
  const filters = tagFilters(scope).map((f) => [...f, { Name: 'status', Values: ['available'] }]);
  const found = await byFilters(
    filters,
    async (Filters) =>
      (await aws.ec2.send(new DescribeNetworkInterfacesCommand({ Filters }))).NetworkInterfaces ?? [],
    (n) => n.NetworkInterfaceId,
  );
  return found.flatMap((n) => {
    const because = attribution(n.TagSet, scope);
    if (!because || !n.NetworkInterfaceId) return [];
    return [
      {
        kind: 'network-interface' as const,
        id: n.NetworkInterfaceId,
        name: nameOf(n.TagSet) ?? n.Description,
        because,
        usdPerDay: 0,
        priceNote: 'free, but keeps its subnet and security groups from being deleted',
      },
    ];
  });
}

async function accessPoints(aws: AwsClients, scope: OrphanScope): Promise<Orphan[]> {
  const found: Orphan[] = [];
  let token: string | undefined;
  do {
    const page: DescribeAccessPointsCommandOutput = await aws.efs.send(
      new DescribeAccessPointsCommand({ NextToken: token }),
    );
    for (const ap of page.AccessPoints ?? []) {
      const because = attribution(ap.Tags, scope);
      if (because && ap.AccessPointId)
        found.push({
          kind: 'efs-access-point',
          id: ap.AccessPointId,
          name: ap.Name ?? nameOf(ap.Tags),
          because,
          usdPerDay: 0,
        });
    }
    token = page.NextToken;
  } while (token);
  return found;
}

async function logGroups(aws: AwsClients, scope: OrphanScope): Promise<Orphan[]> {
  const name = `/aws/eks/${scope.cluster}/cluster`;
  const found: Orphan[] = [];
  let token: string | undefined;
  do {
    const page: DescribeLogGroupsCommandOutput = await aws.logs.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: name, nextToken: token }),
    );
    for (const group of page.logGroups ?? []) {
      if (group.logGroupName !== name) continue;
      found.push({
        kind: 'log-group',
        id: name,
        because: `the name EKS gives cluster ${scope.cluster}'s control plane logs`,
        usdPerDay: 0,
        priceNote: `${((group.storedBytes ?? 0) / 1e9).toFixed(2)} GB stored, billed by CloudWatch Logs (not in the price table)`,
      });
    }
    token = page.nextToken;
  } while (token);
  return found;
}

/** Every orphan of the scope, load balancers first (the order they are removed in). */
export async function findOrphans(
  aws: AwsClients,
  scope: OrphanScope,
  prices: PriceTable,
): Promise<Orphan[]> {
  return [
    ...(await loadBalancers(aws, scope, prices)),
    ...(await targetGroups(aws, scope)),
    ...(await networkInterfaces(aws, scope)),
    ...(await securityGroups(aws, scope)),
    ...(await volumes(aws, scope, prices)),
    ...(await accessPoints(aws, scope)),
    ...(await logGroups(aws, scope)),
  ];
}

/** Removes one orphan. */
async function remove(aws: AwsClients, orphan: Orphan): Promise<void> {
  switch (orphan.kind) {
    case 'load-balancer':
      await aws.elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: orphan.id }));
      return;
    case 'target-group':
      await aws.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: orphan.id }));
      return;
    case 'network-interface':
      await aws.ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: orphan.id }));
      return;
    case 'security-group':
      await aws.ec2.send(new DeleteSecurityGroupCommand({ GroupId: orphan.id }));
      return;
    case 'ebs-volume':
      await aws.ec2.send(new DeleteVolumeCommand({ VolumeId: orphan.id }));
      return;
    case 'efs-access-point':
      await aws.efs.send(new DeleteAccessPointCommand({ AccessPointId: orphan.id }));
      return;
    case 'log-group':
      await aws.logs.send(new DeleteLogGroupCommand({ logGroupName: orphan.id }));
      return;
  }
}

export interface CleanResult {
  readonly removed: readonly Orphan[];
  readonly failed: ReadonlyArray<{ readonly orphan: Orphan; readonly error: string }>;
}

/**
 * Removes the orphans in the order given. A security group or interface still in use by a
 * load balancer being deleted answers DependencyViolation for a while: those are tried
 * again, up to `rounds` times, `waitMs` apart.
 */
export async function cleanOrphans(
  aws: AwsClients,
  orphans: readonly Orphan[],
  options: { readonly rounds?: number; readonly waitMs?: number } = {},
): Promise<CleanResult> {
  const rounds = options.rounds ?? 10;
  const waitMs = options.waitMs ?? 15_000;
  const removed: Orphan[] = [];
  let pending = [...orphans];
  let failed: Array<{ orphan: Orphan; error: string }> = [];
  for (let round = 0; round < rounds && pending.length; round++) {
    if (round > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    failed = [];
    for (const orphan of pending) {
      try {
        await remove(aws, orphan);
        removed.push(orphan);
      } catch (error) {
        failed.push({ orphan, error: `${(error as Error).name}: ${(error as Error).message}` });
      }
    }
    pending = failed
      .filter((f) => /DependencyViolation|InUse|ResourceInUse/.test(f.error))
      .map((f) => f.orphan);
    if (pending.length < failed.length) break; // a failure waiting will not fix
  }
  return { removed, failed };
}

/** The list as an operator reads it: one line each, then the total per day. */
export function renderOrphans(environment: string, orphans: readonly Orphan[]): string {
  if (!orphans.length) return `${environment}: nothing left in AWS for this environment`;
  const lines = orphans.map(
    (o) =>
      `  ${o.kind.padEnd(18)} ${o.id}${o.name ? ` (${o.name})` : ''}  $${o.usdPerDay.toFixed(2)}/day` +
      `${o.priceNote ? ` [${o.priceNote}]` : ''}  <- ${o.because}`,
  );
  const total = orphans.reduce((sum, o) => sum + o.usdPerDay, 0);
  return [
    `${environment}: ${orphans.length} resource(s) left in AWS, about $${total.toFixed(2)}/day:`,
    ...lines,
  ].join('\n');
}
