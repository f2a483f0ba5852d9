/**
 * KubeSpawner profiles from config: sizes as guarantees and limits, the pool selected by
 * its node label, the pool's taints tolerated, GPUs as an extended resource. Each profile
 * is checked against the pool the cluster stack really created, so a label or taint the
 * two layers disagree on fails the synth instead of leaving servers Pending.
 */
import { ProfileConfig } from '../../config/hub-schema';
import { GPU_RESOURCE, NodeTaint } from '../node-scheduling';
import { PROFILE_LABEL } from './names';
import { profileScheduling, schedulingMismatches } from './profile-scheduling';

/** A node pool as the release sees it (the cluster stack's PoolSummary fits). */
export interface HubPool {
  readonly name: string;
  readonly kind: 'core' | 'user' | 'gpu';
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly NodeTaint[];
}

export interface ProfileAccess {
  readonly users: readonly string[];
  readonly groups: readonly string[];
}

/** One entry of KubeSpawner's profile_list. */
export function kubespawnerProfile(
  profile: ProfileConfig,
  startTimeoutSeconds: number,
  pools: readonly HubPool[],
) {
  const pool = pools.find((p) => p.name === profile.pool && p.kind !== 'core');
  if (!pool) {
    throw new Error(
      `profile '${profile.slug}': pool '${profile.pool}' is not among the cluster's user and GPU pools`,
    );
  }
  const scheduling = profileScheduling(profile);
  const problems = schedulingMismatches(scheduling, pool);
  if (problems.length > 0) {
    throw new Error(`profile '${profile.slug}' ${problems.join('; ')} (pool '${pool.name}')`);
  }
  const gpus = profile.gpus > 0 ? { [GPU_RESOURCE]: String(profile.gpus) } : undefined;
  return {
    slug: profile.slug,
    display_name: profile.displayName,
    description: profile.description,
    ...(profile.default ? { default: true } : {}),
    kubespawner_override: {
      cpu_guarantee: profile.cpu.guarantee,
      cpu_limit: profile.cpu.limit,
      mem_guarantee: profile.memory.guarantee,
      mem_limit: profile.memory.limit,
      node_selector: { ...scheduling.nodeSelector },
      // Merged into the chart's singleuser.extraLabels (KubeSpawner merges dict overrides).
      extra_labels: { [PROFILE_LABEL]: profile.slug },
      tolerations: [...scheduling.tolerations],
      // KubeSpawner's own wait for the pod; the hub's wait is set by the hub_access spawn hook.
      start_timeout: startTimeoutSeconds,
      ...(profile.image ? { image: `${profile.image.name}:${profile.image.tag}` } : {}),
      ...(gpus ? { extra_resource_guarantees: { ...gpus }, extra_resource_limits: { ...gpus } } : {}),
    },
  };
}

/** Profiles restricted to users or groups, by slug, for the hub's profile filter. */
export function profileAccess(profiles: readonly ProfileConfig[]): Record<string, ProfileAccess> {
  return Object.fromEntries(
    profiles
      .filter((p) => p.allowedUsers || p.allowedGroups)
      .map((p) => [p.slug, { users: p.allowedUsers ?? [], groups: p.allowedGroups ?? [] }]),
  );
}
