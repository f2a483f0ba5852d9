/**
 * Where a profile's servers may run. A profile selects its pool by name and tolerates the
 * user taint, plus the GPU taint when it asks for GPUs; the pool's labels and taints come
 * from lib/node-scheduling.ts (config checks) or the cluster stack's pools (the release),
 * and both are compared with the same rule here.
 */
import {
  GPU_TAINT,
  NODE_POOL_LABEL,
  NodeTaint,
  PoolScheduling,
  USER_TAINT,
  tolerationFor,
} from '../node-scheduling';
import { Toleration, tolerates } from '../platform/placement';

export interface ProfileScheduling {
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
}

/** What the servers of a profile on `pool` asking for `gpus` GPUs select and tolerate. */
export function profileScheduling(profile: {
  readonly pool: string;
  readonly gpus: number;
}): ProfileScheduling {
  const taints = profile.gpus > 0 ? [USER_TAINT, GPU_TAINT] : [USER_TAINT];
  return { nodeSelector: { [NODE_POOL_LABEL]: profile.pool }, tolerations: taints.map(tolerationFor) };
}

export const describeTaint = (t: NodeTaint): string => `${t.key}=${t.value}:${t.effect}`;

/** Why servers with `scheduling` cannot start on `pool`'s nodes; empty when they can. */
export function schedulingMismatches(scheduling: ProfileScheduling, pool: PoolScheduling): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(scheduling.nodeSelector)) {
    if (pool.labels[key] !== value) {
      problems.push(
        `selects ${key}=${value}, but the pool's nodes carry ${key}=${pool.labels[key] ?? '(none)'}`,
      );
    }
  }
  for (const taint of pool.taints.filter((t) => t.effect !== 'PreferNoSchedule')) {
    if (!scheduling.tolerations.some((t) => tolerates(t, taint))) {
      problems.push(`does not tolerate the pool's taint ${describeTaint(taint)}`);
    }
  }
  return problems;
}
