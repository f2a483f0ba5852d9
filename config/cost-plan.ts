/**
 * The cost planner's view of an environment: its sizes and settings mapped onto the
 * planner's event shape, and the warning when the plan does not fit the budget.
 */
import { usersPerNode } from '../lib/capacity';
import { EventPlan, EventShape, planEvent } from '../lib/cost/event-plan';
import { PINNED_PRICES, PriceTable, pinnedPrices } from '../lib/cost/prices';
import { clockMinutes } from '../lib/timetable';
import { defaultProfile, efsNodePluginSizing, profileGuarantee, profilePool } from './hub-checks';
import { Environment } from './schema';

/** What the command line may override; the rest comes from the environment's `cost.plan`. */
export interface PlanOverrides {
  readonly users?: number;
  readonly days?: number;
  readonly activeHoursPerDay?: number;
  /** Culling off: the saving of culling is the difference. */
  readonly noCulling?: boolean;
  /** Night mode off: the saving of night mode is the difference. */
  readonly noNightMode?: boolean;
}

/**
 * Hours from the end of the first session until night mode has stopped its idle servers
 * (to the night's start, then the idle threshold and half the check interval); undefined
 * without night mode or sessions to measure from.
 */
export function nightModeStopHours(schedule: Environment['hub']['schedule']): number | undefined {
  const night = schedule?.nightMode;
  const session = schedule?.sessions[0];
  if (!night || !session) return undefined;
  const gapMinutes = (clockMinutes(night.start) - clockMinutes(session.end) + 24 * 60) % (24 * 60);
  return gapMinutes / 60 + (night.idleSeconds + night.checkIntervalSeconds / 2) / 3600;
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
    // A timetable holds its fewest placeholders outside sessions (zero at night, typically).
    offHoursPlaceholderSeats: env.hub.schedule
      ? Math.min(...env.hub.schedule.placeholders.map((e) => e.count))
      : env.hub.placeholders,
    nightModeStopHours: overrides.noNightMode ? undefined : nightModeStopHours(env.hub.schedule),
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

/**
 * The environment's plan, and the same without culling, without night mode and without
 * either, so what each saves is a number.
 */
export function planEnvironment(env: Environment, overrides: PlanOverrides = {}, prices?: PriceTable) {
  const table = prices ?? pinnedPrices(env.region);
  const plan = (more: PlanOverrides) => planEvent(eventShape(env, { ...overrides, ...more }), table);
  const planned = plan({});
  const withoutCulling = plan({ noCulling: true });
  const withoutNightMode = plan({ noNightMode: true });
  const withNeither = plan({ noCulling: true, noNightMode: true });
  return {
    planned,
    withoutCulling,
    cullingSaves: withoutCulling.total - planned.total,
    withoutNightMode,
    nightModeSaves: withoutNightMode.total - planned.total,
    /** Servers never stopped for idleness: what culling and night mode save together. */
    withNeither,
  };
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
