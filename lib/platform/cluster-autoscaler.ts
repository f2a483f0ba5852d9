import { Construct } from 'constructs';
import { AwsAccount } from '../aws-account';
import { PolicyStatement } from '../iam/policy-document';
import { AUTOSCALER_EXPENDABLE_PRIORITY_CUTOFF } from '../node-scheduling';
import { CLUSTER_AUTOSCALER_IMAGE_TAGS, KubernetesVersion } from '../versions';
import { CHARTS } from './charts';
import { Values, valueAt } from './helm-values';
import { PinnedRelease } from './pinned-release';
import { Placement, corePlacementValues, placementOf } from './placement';
import { CLUSTER_AUTOSCALER_SERVICE_ACCOUNT, serviceAccountValues } from './service-accounts';

/** The tag auto-discovery matches, which also scopes the autoscaler's write permissions. */
export function clusterOwnershipTag(clusterName: string): string {
  return `k8s.io/cluster-autoscaler/${clusterName}`;
}

/**
 * The autoscaler's IAM permissions: it may read any group and this cluster's node groups,
 * but change the size of, or terminate instances in, only the groups tagged as owned by
 * this cluster (the monitoring cluster's groups live in the same account).
 */
export function clusterAutoscalerStatements(account: AwsAccount, clusterName: string): PolicyStatement[] {
  return [
    {
      Sid: 'Discover',
      Effect: 'Allow',
      Action: [
        'autoscaling:DescribeAutoScalingGroups',
        'autoscaling:DescribeAutoScalingInstances',
        'autoscaling:DescribeLaunchConfigurations',
        'autoscaling:DescribeScalingActivities',
        'autoscaling:DescribeTags',
        'ec2:DescribeImages',
        'ec2:DescribeInstanceTypes',
        'ec2:DescribeLaunchTemplateVersions',
        'ec2:GetInstanceTypesFromInstanceRequirements',
      ],
      Resource: '*',
    },
    {
      // Scale-from-zero: what a group's nodes look like before any exists.
      Sid: 'DescribeNodeGroups',
      Effect: 'Allow',
      Action: 'eks:DescribeNodegroup',
      Resource: `arn:${account.partition}:eks:${account.region}:${account.accountId}:nodegroup/${clusterName}/*/*`,
    },
    {
      Sid: 'ScaleOwnGroups',
      Effect: 'Allow',
      Action: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
      Resource: '*',
      Condition: { StringEquals: { [`aws:ResourceTag/${clusterOwnershipTag(clusterName)}`]: 'owned' } },
    },
  ];
}

/** A node pool as the expander sees it. */
export interface AutoscaledPool {
  readonly name: string;
  readonly kind: 'core' | 'user' | 'gpu';
}

/** The UUID EKS appends to a managed node group's ASG name (8-4-4-4-12 hex digits). */
const UUID_PATTERN = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/**
 * Priority-expander tiers: higher wins. CPU user pools before GPU pools; anything else last.
 * Each pattern matches exactly one pool's ASG, `eks-<node group>-<uuid>`: a looser tail
 * would let pool `a` claim the ASG of pool `a-b` and put a GPU pool in the CPU tier.
 */
export function expanderPriorities(clusterName: string, pools: readonly AutoscaledPool[]): Values {
  const groupPattern = (pool: AutoscaledPool) => `^eks-${clusterName}-${pool.name}-${UUID_PATTERN}$`;
  const tier = (kind: AutoscaledPool['kind']) => pools.filter((p) => p.kind === kind).map(groupPattern);
  const priorities: Values = { '1': ['.*'] };
  if (tier('gpu').length > 0) priorities['10'] = tier('gpu');
  if (tier('user').length > 0) priorities['50'] = tier('user');
  return priorities;
}

export interface ClusterAutoscalerProps {
  readonly envName: string;
  readonly clusterName: string;
  readonly region: string;
  readonly kubernetesVersion: KubernetesVersion;
  /** IRSA role for kube-system/cluster-autoscaler. */
  readonly roleArn: string;
  readonly pools: readonly AutoscaledPool[];
  /** Minutes a node must be unneeded before removal. */
  readonly scaleDownUnneededMinutes: number;
  readonly expander: 'priority' | 'least-waste';
  readonly balanceSimilarNodeGroups: boolean;
}

/**
 * cluster-autoscaler for this cluster: auto-discovery by this cluster's tags (without a
 * cluster name the chart renders nothing at all), the region given explicitly (nodes
 * allow one IMDS hop, so it cannot ask the metadata service), the image of the cluster's
 * Kubernetes minor, and an expendable-pods cutoff below the user placeholders' priority.
 */
export class ClusterAutoscaler extends Construct {
  readonly release: PinnedRelease;
  readonly placement: Placement;
  /** `autoDiscovery.clusterName` as helm receives it (the merged values). */
  readonly discoveredClusterName: unknown;
  /** `extraArgs.expendable-pods-priority-cutoff` as helm receives it. */
  readonly expendablePriorityCutoff: unknown;

  constructor(scope: Construct, id: string, props: ClusterAutoscalerProps) {
    super(scope, id);
    const sa = CLUSTER_AUTOSCALER_SERVICE_ACCOUNT;
    const usePriority = props.expander === 'priority';
    this.release = new PinnedRelease(this, 'release', {
      chart: CHARTS.clusterAutoscaler,
      releaseName: 'cluster-autoscaler',
      namespace: sa.namespace,
      envName: props.envName,
      values: {
        cloudProvider: 'aws',
        awsRegion: props.region,
        autoDiscovery: { clusterName: props.clusterName },
        image: { tag: CLUSTER_AUTOSCALER_IMAGE_TAGS[props.kubernetesVersion] },
        rbac: { serviceAccount: serviceAccountValues(sa, props.roleArn) },
        ...corePlacementValues(),
        extraArgs: {
          'scale-down-unneeded-time': `${props.scaleDownUnneededMinutes}m`,
          'balance-similar-node-groups': props.balanceSimilarNodeGroups,
          // Least waste breaks ties between pools of the same priority.
          expander: usePriority ? 'priority,least-waste' : 'least-waste',
          'expendable-pods-priority-cutoff': AUTOSCALER_EXPENDABLE_PRIORITY_CUTOFF,
        },
        ...(usePriority ? { expanderPriorities: expanderPriorities(props.clusterName, props.pools) } : {}),
      },
    });
    const merged = this.release.mergedValues;
    this.placement = placementOf('cluster-autoscaler', merged);
    // Read back from what helm gets, so the wiring checks see any layer's mistake.
    this.discoveredClusterName = valueAt(merged, ['autoDiscovery', 'clusterName']);
    this.expendablePriorityCutoff = valueAt(merged, ['extraArgs', 'expendable-pods-priority-cutoff']);
  }
}
