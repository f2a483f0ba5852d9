/**
 * The cost planner's view of an environment: its sizes and settings mapped onto the
 * planner's event shape, and the warning when the plan does not fit the budget.
 */
import { usersPerNode } from '../lib/capacity';
import { EventPlan, EventShape, planEvent } from '../lib/cost/event-plan';
import { PINNED_PRICES, PriceTable, pinnedPrices } from '../lib/cost/prices';
import { defaultProfile, efsNodePluginSizing, profileGuarantee, profilePool } from './hub-checks';
import { Environment } from './schema';

/** What the command line may override; the rest comes from the environment's `cost.plan`. */
export interface PlanOverrides {
  readonly users?: number;
  readonly days?: number;
  readonly activeHoursPerDay?: number;
  /** Culling off: the saving of culling is the difference. */
  readonly noCulling?: boolean;
}

/**
 * The monitoring cluster an environment reports to, as the planner counts it: one small
 * core node and the Prometheus and Grafana disks, shared by the reporting environments.
 */
export const MONITORING_SHARE = {
  instanceType: 'm5.large',
  nodes: 2,
  diskGiB: 2 * 50 + 100 + 10,
  sharedBy: 1,
};

export function eventShape(env: Environment, overrides: PlanOverrides = {}): EventShape {
  const profile = defaultProfile(env);
  const guarantee = profileGuarantee(profile);
  const pool = profilePool(env, profile);
  if (!guarantee || pool?.kind !== 'user') {
    throw new Error(
      `${env.name}: the default profile ${profile.slug} must guarantee CPU and memory on a user pool`,
    );
  }
  const gpuProfile = env.hub.profiles.find((p) => (p.gpus ?? 0) > 0);
  const gpuPool = gpuProfile && profilePool(env, gpuProfile);
  const gpuGuarantee = gpuProfile && profileGuarantee(gpuProfile);
  const { plan } = env.cost;
  const efsNode = efsNodePluginSizing(env).requests;
  const users = overrides.users ?? env.hub.peakUsers;
  return {
    users,
    days: overrides.days ?? plan.days,
    activeHoursPerDay: overrides.activeHoursPerDay ?? plan.activeHoursPerDay,
    userPool: {
      instanceType: pool.pool.instanceType,
      usersPerNode: usersPerNode(pool.pool.instanceType, guarantee, efsNode),
      diskGiB: pool.pool.diskSizeGiB,
    },
    placeholderSeats: env.hub.placeholders,
    gpu:
      gpuPool && gpuGuarantee && plan.gpuUsers > 0
        ? {
            instanceType: gpuPool.pool.instanceType,
            usersPerNode: usersPerNode(gpuPool.pool.instanceType, gpuGuarantee, efsNode),
            diskGiB: gpuPool.pool.diskSizeGiB,
            users: plan.gpuUsers,
          }
        : undefined,
    corePool: {
      instanceType: env.nodePools.core.instanceType,
      nodes: env.nodePools.core.minSize,
      diskGiB: env.nodePools.core.diskSizeGiB,
    },
    culling: overrides.noCulling ? undefined : env.hub.culling,
    scaleDownMinutes: env.platform.autoscaler.scaleDownUnneededMinutes,
    natGateways: env.network.natGateways === 'single' ? 1 : env.network.availabilityZones.length,
    efsGiB: users * plan.efsGiBPerUser,
    monitoring: env.tier === 'development' ? undefined : MONITORING_SHARE,
  };
}

/** The environment's plan, and the same without culling, so the saving is a number. */
export function planEnvironment(env: Environment, overrides: PlanOverrides = {}, prices?: PriceTable) {
  const table = prices ?? pinnedPrices(env.region);
  const planned = planEvent(eventShape(env, overrides), table);
  const withoutCulling = planEvent(eventShape(env, { ...overrides, noCulling: true }), table);
  return { planned, withoutCulling, cullingSaves: withoutCulling.total - planned.total };
}

/** What a calendar month of the plan costs: the whole event when it fits in a month. */
export function monthlyCost(plan: EventPlan, days: number): number {
  return days > 30 ? (plan.total * 30) / days : plan.total;
}

/** A warning for each environment whose planned cost exceeds its budget. */
export function budgetWarnings(environments: readonly Environment[]): string[] {
  return environments.flatMap((env) => {
    const budget = env.cost.budget;
    // Without pinned prices for the region there is no estimate to hold the budget to.
    if (!budget || !(env.region in PINNED_PRICES)) return [];
    const { planned } = planEnvironment(env);
    const month = monthlyCost(planned, env.cost.plan.days);
    return month > budget.monthlyUsd
      ? [
          `${env.name}.cost.budget.monthlyUsd: ${budget.monthlyUsd} is below the planned ${month.toFixed(0)} USD a month ` +
            `(npm run cost -- --env ${env.name} shows the plan)`,
        ]
      : [];
  });
}
