/**
 * Rules that relate the hub section to the rest of the environment: profiles against the
 * node pools that must host them (guarantees, limits, capacity, labels and taints, GPUs),
 * capacity for the declared peak and server limit, and access rules (who may use the
 * dummy login, which identity providers supply groups, where the hub name lives).
 */
import { Guarantee, nodeCapacity, nodesForUsers, usersPerNode } from '../lib/capacity';
import { instanceTypeSpec } from '../lib/instance-types';
import { profileScheduling, schedulingMismatches } from '../lib/jupyterhub/profile-scheduling';
import { PoolKind, poolScheduling } from '../lib/node-scheduling';
import { memoryBytes } from '../lib/quantities';
import { HubConfig } from './hub-schema';
import { Environment, NodePoolConfig, ProfileConfig } from './schema';

type Report = (path: (string | number)[], message: string) => void;

/** Seconds a GPU node needs to join, load the driver and pull a notebook image (the GPU profile's floor). */
export const GPU_START_TIMEOUT_FLOOR_SECONDS = 600;

export function checkHub(env: Environment, report: Report): void {
  checkProfiles(env, report);
  checkPeakCapacity(env, report);
  checkActiveServerLimit(env, report);
  checkPlaceholders(env, report);
  checkAccess(env, report);
  checkCulling(env, report);
}

interface ProfilePool {
  readonly kind: Exclude<PoolKind, 'core'>;
  readonly pool: NodePoolConfig;
}

/** The user or GPU pool a profile names, if any. */
export function profilePool(env: Environment, profile: ProfileConfig): ProfilePool | undefined {
  if (profile.pool in env.nodePools.user) return { kind: 'user', pool: env.nodePools.user[profile.pool] };
  if (profile.pool in env.nodePools.gpu) return { kind: 'gpu', pool: env.nodePools.gpu[profile.pool] };
  return undefined;
}

/** What one server of the profile reserves, or undefined when the profile lacks a guarantee. */
export function profileGuarantee(profile: ProfileConfig): Guarantee | undefined {
  const { cpu, memory } = { cpu: profile.cpu.guarantee, memory: profile.memory.guarantee };
  return cpu === undefined || memory === undefined ? undefined : { cpu, memory, gpus: profile.gpus };
}

/** The profile new users get: the one marked default, else the first. */
export function defaultProfile(env: Environment): ProfileConfig {
  return env.hub.profiles.find((p) => p.default) ?? env.hub.profiles[0];
}

/** Seconds a server of the profile may take to start: its own timeout, else the hub's. */
export function profileStartTimeout(profile: ProfileConfig, hub: HubConfig): number {
  return profile.startTimeoutSeconds ?? hub.startTimeoutSeconds;
}

/**
 * The hub-wide start timeout: the longest of the profiles'. JupyterHub 5.5 starts its
 * timer with this value before KubeSpawner applies the chosen profile's overrides, so a
 * smaller one would cut every longer profile short; the hub_access spawn hook then
 * narrows each spawn to its own profile's timeout.
 */
export function hubStartTimeout(hub: HubConfig): number {
  return Math.max(...hub.profiles.map((p) => profileStartTimeout(p, hub)));
}

function poolNames(env: Environment, kinds: readonly ('user' | 'gpu')[]): string {
  return kinds.flatMap((kind) => Object.keys(env.nodePools[kind])).join(', ') || 'none';
}

function checkProfiles(env: Environment, report: Report): void {
  const profiles = env.hub.profiles;
  const defaults = profiles.filter((p) => p.default).map((p) => `'${p.slug}'`);
  if (defaults.length > 1) {
    report(['hub', 'profiles'], `${defaults.join(' and ')} are all marked default; mark one profile at most`);
  }
  // A spawn that names no profile gets the default; someone allowed no profile at all would
  // get a server with no pool selected (singleuser sets no nodeSelector).
  const fallback = defaultProfile(env);
  const restriction = (['allowedUsers', 'allowedGroups'] as const).find((key) => fallback[key]);
  if (restriction) {
    report(
      ['hub', 'profiles', profiles.indexOf(fallback), restriction],
      `profile '${fallback.slug}' is the default profile but is restricted to some users; ` +
        'the default must be open to everyone: open it or mark another profile default',
    );
  }
  profiles.forEach((profile, i) => {
    const at = (...path: (string | number)[]) => ['hub', 'profiles', i, ...path];
    const name = `profile '${profile.slug}'`;
    if (profiles.findIndex((p) => p.slug === profile.slug) < i) {
      report(at('slug'), `'${profile.slug}' names two profiles; slugs must be unique`);
    }
    checkResourcePair(profile.cpu, 'cpu', name, at('cpu', 'guarantee'), (v) => v, report);
    checkResourcePair(profile.memory, 'memory', name, at('memory', 'guarantee'), memoryBytes, report);

    const target = profilePool(env, profile);
    if (!target) {
      report(
        at('pool'),
        `'${profile.pool}' is not a user or GPU pool; pools: ${poolNames(env, ['user', 'gpu'])}`,
      );
      return;
    }
    const { instanceType } = target.pool;
    if (profile.gpus > 0 && target.kind !== 'gpu') {
      report(
        at('gpus'),
        `${name} asks for ${profile.gpus} GPU but pool '${profile.pool}' (${instanceType}) is not a GPU pool; ` +
          `GPU pools: ${poolNames(env, ['gpu'])}`,
      );
    }
    const spec = instanceTypeSpec(instanceType);
    const pool = poolScheduling(target.kind, profile.pool, spec.accelerator);
    for (const problem of schedulingMismatches(profileScheduling(profile), pool)) {
      report(
        at('pool'),
        `${name} ${problem}, so its servers could never start on pool '${profile.pool}'; ` +
          `CPU profiles run on user pools (${poolNames(env, ['user'])}), GPU profiles on GPU pools (${poolNames(env, ['gpu'])})`,
      );
    }
    const guarantee = profileGuarantee(profile);
    if (guarantee && usersPerNode(instanceType, guarantee) === 0) {
      const node = nodeCapacity(instanceType);
      report(
        at('cpu', 'guarantee'),
        `${name} guarantees ${guarantee.cpu} CPU, ${guarantee.memory}${profile.gpus ? `, ${profile.gpus} GPU` : ''}, ` +
          `more than one ${instanceType} of pool '${profile.pool}' can give a user ` +
          `(${node.cpuMillis / 1000} CPU, ${Math.floor(node.memoryMiB)} MiB, ${node.gpus} GPU allocatable)`,
      );
    }
    const startTimeout = profileStartTimeout(profile, env.hub);
    if (profile.gpus > 0 && startTimeout < GPU_START_TIMEOUT_FLOOR_SECONDS) {
      report(
        at('startTimeoutSeconds'),
        `${name} allows ${startTimeout} s to start, but a GPU node from zero needs about 10 minutes to boot ` +
          `and pull the image; set at least ${GPU_START_TIMEOUT_FLOOR_SECONDS}`,
      );
    }
    if (profile.allowedGroups && !authenticatorHasGroups(env)) {
      report(at('allowedGroups'), groupsUnavailable(env, name));
    }
  });
}

/** A guarantee is required, and may not exceed the limit (a limit alone makes Kubernetes reserve the limit). */
function checkResourcePair<T extends number | string>(
  pair: { readonly guarantee?: T; readonly limit?: T },
  resource: 'cpu' | 'memory',
  name: string,
  path: (string | number)[],
  amount: (value: T) => number,
  report: Report,
): void {
  const { guarantee, limit } = pair;
  const label = resource === 'cpu' ? 'CPU' : 'memory';
  if (guarantee === undefined) {
    report(
      path,
      limit === undefined
        ? `${name} sets no ${label} guarantee; every profile needs one so its servers can be placed and counted`
        : `${name} sets a ${label} limit of ${limit} but no guarantee; Kubernetes would reserve the whole ` +
            `limit for every server. Set ${resource}.guarantee at or below ${limit}`,
    );
  } else if (limit !== undefined && amount(guarantee) > amount(limit)) {
    report(
      path,
      `${name} guarantees ${guarantee} ${label} but limits it to ${limit}; the guarantee must not exceed the limit`,
    );
  }
}

/** The default profile's servers for `peakUsers` must fit its pool at max size. */
function checkPeakCapacity(env: Environment, report: Report): void {
  const chosen = defaultProfile(env);
  const target = profilePool(env, chosen);
  const guarantee = profileGuarantee(chosen);
  if (!target || !guarantee) return; // the profile checks report it
  const { pool } = target;
  const perNode = usersPerNode(pool.instanceType, guarantee);
  const needed = nodesForUsers(env.hub.peakUsers, pool.instanceType, guarantee);
  if (needed > pool.maxSize) {
    const demand = `${env.hub.peakUsers} users of profile '${chosen.slug}' (${guarantee.cpu} CPU, ${guarantee.memory})`;
    report(
      ['hub', 'peakUsers'],
      perNode === 0
        ? `${demand} do not fit on a ${pool.instanceType} at all`
        : `${demand} need ${needed} ${pool.instanceType} nodes at ${perNode} per node, ` +
            `but nodePools.${target.kind}.${chosen.pool}.maxSize is ${pool.maxSize}`,
    );
  }
}

/**
 * Servers the pools host at max size: for each pool, its max size times the users per
 * node of the smallest profile that runs there.
 */
export function serverCapacity(env: Environment): { total: number; perPool: string[] } {
  const perPool: string[] = [];
  let total = 0;
  for (const kind of ['user', 'gpu'] as const) {
    for (const [name, pool] of Object.entries(env.nodePools[kind])) {
      const perNode = Math.max(
        0,
        ...env.hub.profiles
          .filter((p) => p.pool === name)
          .map(profileGuarantee)
          .map((g) => (g ? usersPerNode(pool.instanceType, g) : 0)),
      );
      total += perNode * pool.maxSize;
      perPool.push(`${name}: ${pool.maxSize} x ${perNode}`);
    }
  }
  return { total, perPool };
}

function checkActiveServerLimit(env: Environment, report: Report): void {
  const limit = env.hub.activeServerLimit;
  if (limit === undefined) return;
  const capacity = serverCapacity(env);
  if (limit > capacity.total) {
    report(
      ['hub', 'activeServerLimit'],
      `${limit} exceeds the ${capacity.total} servers the pools can host at max size ` +
        `(${capacity.perPool.join(', ')}); lower it or raise the pools' maxSize`,
    );
  }
}

/**
 * Placeholders are pods of the default profile's size on its pool: more than the pool holds
 * at max size never schedule, and the pending ones keep the autoscaler at max size.
 */
function checkPlaceholders(env: Environment, report: Report): void {
  const chosen = defaultProfile(env);
  const target = profilePool(env, chosen);
  const guarantee = profileGuarantee(chosen);
  if (!target || !guarantee || env.hub.placeholders === 0) return; // the profile checks report it
  const perNode = usersPerNode(target.pool.instanceType, guarantee);
  const seats = perNode * target.pool.maxSize;
  if (env.hub.placeholders > seats) {
    report(
      ['hub', 'placeholders'],
      `${env.hub.placeholders} exceeds the ${seats} seats of profile '${chosen.slug}' that pool '${chosen.pool}' ` +
        `holds at max size (${target.pool.maxSize} x ${perNode}); the rest could never be scheduled`,
    );
  }
}

function authenticatorHasGroups(env: Environment): boolean {
  return env.hub.authentication.type !== 'dummy';
}

function groupsUnavailable(env: Environment, what: string): string {
  return `${what} names groups, but the '${env.hub.authentication.type}' authenticator supplies none; use GitHub teams or an OIDC groups claim, or list users`;
}

function checkAccess(env: Environment, report: Report): void {
  const hub = env.hub;
  if (hub.authentication.type === 'dummy' && hub.publiclyReachable) {
    report(
      ['hub', 'authentication', 'type'],
      `'dummy' lets anyone log in with any name and password; it is allowed only with hub.publiclyReachable: false`,
    );
  }
  if (hub.https.type === 'letsencrypt' && !hub.publiclyReachable) {
    report(
      ['hub', 'https', 'type'],
      `'letsencrypt' needs Let's Encrypt to reach the hub, which is not publicly reachable; use 'acm'`,
    );
  }
  const { name, hostedZone } = hub.domain;
  if (!name.endsWith(`.${hostedZone}`)) {
    report(
      ['hub', 'domain', 'name'],
      `'${name}' is not inside the hosted zone '${hostedZone}'; use a name under ${hostedZone} such as hub.${hostedZone}`,
    );
  }
  for (const role of ['admins', 'instructors'] as const) {
    if (hub[role].groups.length > 0 && !authenticatorHasGroups(env)) {
      report(['hub', role, 'groups'], groupsUnavailable(env, `hub.${role}`));
    }
  }
  if (env.tier === 'production' && hub.admins.users.length + hub.admins.groups.length === 0) {
    report(
      ['hub', 'admins'],
      'names no user or group; a production hub needs JupyterHub admins to stop stuck servers (the runbook)',
    );
  }
}

function checkCulling(env: Environment, report: Report): void {
  const { culling, kernelCulling } = env.hub;
  if (culling.checkIntervalSeconds >= culling.idleTimeoutSeconds) {
    report(
      ['hub', 'culling', 'checkIntervalSeconds'],
      `${culling.checkIntervalSeconds} is not below idleTimeoutSeconds ${culling.idleTimeoutSeconds}; ` +
        'idle servers would outlive their timeout by up to a whole interval',
    );
  }
  if (culling.maxAgeSeconds > 0 && culling.maxAgeSeconds < culling.idleTimeoutSeconds) {
    report(
      ['hub', 'culling', 'maxAgeSeconds'],
      `${culling.maxAgeSeconds} is below idleTimeoutSeconds ${culling.idleTimeoutSeconds}; ` +
        'use 0 (no maximum age) or at least the idle timeout',
    );
  }
  if (kernelCulling.idleTimeoutSeconds >= culling.idleTimeoutSeconds) {
    report(
      ['hub', 'kernelCulling', 'idleTimeoutSeconds'],
      `${kernelCulling.idleTimeoutSeconds} is not below the server idle timeout ${culling.idleTimeoutSeconds}; ` +
        'idle kernels must be shut down first, or they keep servers looking busy',
    );
  }
}
