/**
 * Rules for the platform layer. `checkPlatformConfig` relates fields of one environment
 * (it runs with the other config checks). `checkPlatformWiring` runs when the platform
 * stack is built, on the values the add-on constructs actually generate and the pools and
 * mount targets the cluster stack actually creates, so a selector, a name or an AZ that
 * the layers disagree on fails the synth instead of leaving a pod Pending in production.
 */
import { NodeTaint } from '../lib/node-scheduling';
import { Placement, Toleration, tolerates } from '../lib/platform/placement';
import { ConfigIssue } from './checks';
import { Environment } from './schema';

type Report = (path: (string | number)[], message: string) => void;

export function checkPlatformConfig(env: Environment, report: Report): void {
  const { gpu } = env.platform;
  if (gpu.timeSlicingReplicas > 1 && Object.keys(env.nodePools.gpu).length === 0) {
    report(
      ['platform', 'gpu', 'timeSlicingReplicas'],
      `${gpu.timeSlicingReplicas} has no effect: the environment has no GPU pools; leave it at 1 or add nodePools.gpu`,
    );
  }
}

/** A node pool as the platform layer sees it. */
export interface PoolFacts {
  readonly name: string;
  readonly kind: 'core' | 'user' | 'gpu';
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly NodeTaint[];
  /** Human-readable names of the AZs its nodes may start in. */
  readonly zones: readonly string[];
}

/** Everything the cross-layer rules compare, gathered from both stacks. */
export interface PlatformFacts {
  /** The EKS cluster's name. */
  readonly clusterName: string;
  readonly pools: readonly PoolFacts[];
  readonly placements: readonly Placement[];
  /** Read from the autoscaler's merged values, whatever layer set them. */
  readonly autoscaler: {
    /** `autoDiscovery.clusterName`. */
    readonly clusterName: unknown;
    /** `extraArgs.expendable-pods-priority-cutoff`. */
    readonly expendablePriorityCutoff: unknown;
  };
  /** Priority of the JupyterHub user placeholders. */
  readonly placeholderPriority: number;
  /** AZs (same naming as PoolFacts.zones) that have an EFS mount target. */
  readonly mountTargetZones: readonly string[];
}

const describeTaint = (t: NodeTaint) => `${t.key}=${t.value}:${t.effect}`;
const describeToleration = (t: Toleration) =>
  `${t.key}${t.operator === 'Exists' ? '' : `=${t.value}`}${t.effect ? `:${t.effect}` : ''}`;

function poolLabels(pools: readonly PoolFacts[]): string {
  const all = new Set(pools.flatMap((p) => Object.entries(p.labels).map(([k, v]) => `${k}=${v}`)));
  return [...all].sort().join(', ');
}

function poolTaints(pools: readonly PoolFacts[]): string {
  return [...new Set(pools.flatMap((p) => p.taints.map(describeTaint)))].sort().join(', ') || 'none';
}

/** True when the placement's pods can run on `pool`: every selector matches, every taint is tolerated. */
function canRunOn(placement: Placement, pool: PoolFacts): boolean {
  return (
    Object.entries(placement.nodeSelector).every(([key, value]) => pool.labels[key] === value) &&
    placement.requiredLabelKeys.every((key) => key in pool.labels) &&
    pool.taints.every((taint) => placement.tolerations.some((t) => tolerates(t, taint)))
  );
}

function checkPlacement(placement: Placement, pools: readonly PoolFacts[], report: Report): void {
  const field = (name: string) => [
    placement.component,
    ...(placement.valuesPath ? [placement.valuesPath] : []),
    name,
  ];
  let broken = false;
  for (const [key, value] of Object.entries(placement.nodeSelector)) {
    if (!pools.some((p) => p.labels[key] === value)) {
      broken = true;
      report(
        field('nodeSelector'),
        `node label ${key}=${value} is on no node pool; pools carry ${poolLabels(pools)}`,
      );
    }
  }
  for (const key of placement.requiredLabelKeys) {
    if (!pools.some((p) => key in p.labels)) {
      broken = true;
      report(
        field('affinity'),
        `node label ${key} (any value) is on no node pool; pools carry ${poolLabels(pools)}`,
      );
    }
  }
  // A toleration without a key tolerates everything (per-node DaemonSets); it names no taint.
  for (const toleration of placement.tolerations.filter((t) => t.key !== undefined)) {
    if (!pools.some((p) => p.taints.some((taint) => tolerates(toleration, taint)))) {
      broken = true;
      report(
        field('tolerations'),
        `tolerates ${describeToleration(toleration)}, which no node pool has; pools are tainted ${poolTaints(pools)}`,
      );
    }
  }
  if (!broken && !pools.some((pool) => canRunOn(placement, pool))) {
    const selected = pools.filter((pool) =>
      canRunOn({ ...placement, tolerations: [{ operator: 'Exists' }] }, pool),
    );
    report(
      field('tolerations'),
      `its pods fit no node pool: ${selected.map((p) => p.name).join(', ') || 'no pool'} matches the selectors ` +
        `but is tainted ${poolTaints(selected)}, which the pods do not tolerate`,
    );
  }
}

export function checkPlatformWiring(facts: PlatformFacts): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const report: Report = (path, message) => issues.push({ path, message });

  for (const placement of facts.placements) checkPlacement(placement, facts.pools, report);

  const { clusterName, expendablePriorityCutoff: cutoff } = facts.autoscaler;
  if (clusterName !== facts.clusterName) {
    report(
      ['cluster-autoscaler', 'autoDiscovery', 'clusterName'],
      `'${String(clusterName)}' is not this cluster's name '${facts.clusterName}'; ` +
        'the autoscaler would discover no node groups and never scale',
    );
  }
  if (!(typeof cutoff === 'number' && cutoff < facts.placeholderPriority)) {
    report(
      ['cluster-autoscaler', 'extraArgs', 'expendable-pods-priority-cutoff'],
      `${String(cutoff)} is not below the user placeholders' priority ${facts.placeholderPriority}; ` +
        'the autoscaler would ignore pending placeholders and never scale up for them',
    );
  }

  const covered = new Set(facts.mountTargetZones);
  for (const pool of facts.pools.filter((p) => p.kind !== 'core')) {
    const missing = pool.zones.filter((zone) => !covered.has(zone));
    if (missing.length > 0) {
      report(
        ['nodePools', pool.kind, pool.name],
        `starts nodes in ${missing.join(', ')}, which has no EFS mount target; ` +
          `mount targets exist in ${[...covered].join(', ') || 'no AZ'}, so home directories could not mount there`,
      );
    }
  }
  return issues;
}

/** What the cluster stack admits to the Kubernetes API. */
export interface ApiReachability {
  /** The stack id the check protects. */
  readonly platformStack: string;
  /** CIDRs the public endpoint accepts; empty when it is off. */
  readonly publicEndpointCidrs: readonly string[];
  /** What the cluster security group admits on 443 besides itself. */
  readonly privateEndpointAdmits: readonly string[];
}

/**
 * A platform stack runs Helm and Kubernetes against the cluster's API: if the cluster stack
 * admits no network to it, the apply builds the cluster and then times out on the platform.
 */
export function checkApiReachable(facts: ApiReachability): ConfigIssue[] {
  if (facts.publicEndpointCidrs.length > 0 || facts.privateEndpointAdmits.length > 0) return [];
  return [
    {
      path: ['cluster'],
      message:
        `admits no network to the Kubernetes API on 443 (the private endpoint's security group admits only ` +
        `the cluster itself, the public endpoint is off), so nothing could apply ${facts.platformStack}; set ` +
        `cluster.ssmPortForward: {} to port-forward from a laptop through SSM, cluster.privateEndpointCidrs to ` +
        `the networks of a VPN or CI runner routed to the VPC, or cluster.publicEndpointCidrs to the operators' public networks`,
    },
  ];
}
