/**
 * Rules that relate the hub section to the rest of the environment: profiles against the
 * node pools that must host them (guarantees, limits, capacity, labels and taints, GPUs),
 * capacity for the declared peak and server limit, and access rules (who may use the
 * shared-password login, which identity providers supply groups, where the hub name lives,
 * admins from groups only, a stable username claim, the GitHub teams the hub relies on),
 * and the load test's targets against the start timeouts.
 */
import { Guarantee, nodeCapacity, nodesForUsers, usersPerNode } from '../lib/capacity';
import { DaemonSetRequests, EfsNodeSizing, efsNodeSizing } from '../lib/daemonsets';
import { instanceTypeSpec } from '../lib/instance-types';
import { profileScheduling, schedulingMismatches } from '../lib/jupyterhub/profile-scheduling';
import { PoolKind, poolScheduling } from '../lib/node-scheduling';
import { memoryBytes } from '../lib/quantities';
import { IMAGE_PULL_SECONDS, NODE_BOOT_SECONDS, serverStartSeconds } from '../lib/start-times';
import { HubConfig, STABLE_USERNAME_CLAIM } from './hub-schema';
import { Environment, NodePoolConfig, ProfileConfig } from './schema';

type Report = (path: (string | number)[], message: string) => void;

export function checkHub(env: Environment, report: Report): void {
  checkProfiles(env, report);
  checkPeakCapacity(env, report);
  checkActiveServerLimit(env, report);
  checkPlaceholders(env, report);
  checkAccess(env, report);
  checkCulling(env, report);
  checkFailureLimit(env, report);
  checkLoadTest(env, report);
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

/** Seconds a server of the profile may need on its pool: node boot from zero plus image pull. */
export function profileStartNeed(env: Environment, profile: ProfileConfig): number {
  return serverStartSeconds(profilePool(env, profile)?.kind ?? 'user');
}

/**
 * Seconds a server of the profile may take to start: its own timeout, else the hub's,
 * else what its pool needs (node boot from zero plus image pull).
 */
export function profileStartTimeout(env: Environment, profile: ProfileConfig): number {
  return profile.startTimeoutSeconds ?? env.hub.startTimeoutSeconds ?? profileStartNeed(env, profile);
}

/**
 * The hub-wide start timeout: the longest of the profiles'. JupyterHub 5.5 starts its
 * timer with this value before KubeSpawner applies the chosen profile's overrides, so a
 * smaller one would cut every longer profile short; the hub_access spawn hook then
 * narrows each spawn to its own profile's timeout.
 */
export function hubStartTimeout(env: Environment): number {
  return Math.max(...env.hub.profiles.map((p) => profileStartTimeout(env, p)));
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
    const efsNode = efsNodeOf(env);
    if (guarantee && usersPerNode(instanceType, guarantee, efsNode) === 0) {
      const node = nodeCapacity(instanceType, efsNode);
      report(
        at('cpu', 'guarantee'),
        `${name} guarantees ${guarantee.cpu} CPU, ${guarantee.memory}${profile.gpus ? `, ${profile.gpus} GPU` : ''}, ` +
          `more than one ${instanceType} of pool '${profile.pool}' can give a user ` +
          `(${node.cpuMillis / 1000} CPU, ${Math.floor(node.memoryMiB)} MiB, ${node.gpus} GPU allocatable)`,
      );
    }
    const startTimeout = profileStartTimeout(env, profile);
    const need = serverStartSeconds(target.kind);
    if (startTimeout < need) {
      const own = profile.startTimeoutSeconds !== undefined;
      report(
        own ? at('startTimeoutSeconds') : ['hub', 'startTimeoutSeconds'],
        `${startTimeout} s is less than a server of ${name} may need on pool '${profile.pool}': ` +
          `a ${target.kind === 'gpu' ? 'GPU' : 'CPU'} node from zero boots in up to ${NODE_BOOT_SECONDS[target.kind]} s ` +
          `and pulls the image in up to ${IMAGE_PULL_SECONDS[target.kind]} s; set at least ${need}` +
          (own ? '' : ', or leave it out to give each profile what its pool needs'),
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
  const efsNode = efsNodeOf(env);
  const perNode = usersPerNode(pool.instanceType, guarantee, efsNode);
  const needed = nodesForUsers(env.hub.peakUsers, pool.instanceType, guarantee, efsNode);
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

/** Servers one node of each user and GPU pool hosts: the users per node of the smallest profile that runs there. */
function serversPerNode(env: Environment, efsNode: DaemonSetRequests) {
  return (['user', 'gpu'] as const).flatMap((kind) =>
    Object.entries(env.nodePools[kind]).map(([name, pool]) => ({
      name,
      pool,
      perNode: Math.max(
        0,
        ...env.hub.profiles
          .filter((p) => p.pool === name)
          .map(profileGuarantee)
          .map((g) => (g ? usersPerNode(pool.instanceType, g, efsNode) : 0)),
      ),
    })),
  );
}

/**
 * The EFS node plugin's size for this environment: enough for the most servers any user
 * or GPU node hosts. That count is taken with the plugin at its floor, an upper bound
 * (a larger plugin only leaves room for fewer servers), so the size always covers a full node.
 */
export function efsNodePluginSizing(env: Environment): EfsNodeSizing {
  const floor = efsNodeSizing(0).requests;
  return efsNodeSizing(Math.max(0, ...serversPerNode(env, floor).map((p) => p.perNode)));
}

function efsNodeOf(env: Environment): DaemonSetRequests {
  return efsNodePluginSizing(env).requests;
}

/** Servers the pools host at max size: for each pool, its max size times its servers per node. */
export function serverCapacity(env: Environment): { total: number; perPool: string[] } {
  const pools = serversPerNode(env, efsNodeOf(env));
  return {
    total: pools.reduce((sum, p) => sum + p.perNode * p.pool.maxSize, 0),
    perPool: pools.map((p) => `${p.name}: ${p.pool.maxSize} x ${p.perNode}`),
  };
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
  const perNode = usersPerNode(target.pool.instanceType, guarantee, efsNodeOf(env));
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
  return env.hub.authentication.type !== 'shared-password';
}

function groupsUnavailable(env: Environment, what: string): string {
  return `${what} names groups, but the '${env.hub.authentication.type}' authenticator supplies none; use GitHub teams or an OIDC groups claim, or list users`;
}

function checkAccess(env: Environment, report: Report): void {
  const hub = env.hub;
  const auth = hub.authentication;
  if (auth.type === 'shared-password' && hub.publiclyReachable) {
    report(
      ['hub', 'authentication', 'type'],
      `'shared-password' lets anyone with the one password log in under any name; it is allowed only with hub.publiclyReachable: false`,
    );
  }
  if (auth.type === 'shared-password') {
    if (hub.admins.users.length + hub.admins.groups.length > 0) {
      report(
        ['hub', 'admins'],
        `names admins, but the 'shared-password' login has none: anyone with the password could claim an admin's name`,
      );
    }
  } else if (hub.admins.users.length > 0) {
    report(
      ['hub', 'admins', 'users'],
      `${JSON.stringify(hub.admins.users)}: with '${auth.type}' login admins come from groups only ` +
        '(a user name can be renamed or claimed by someone else); use hub.admins.groups',
    );
  }
  if (auth.type === 'oidc' && auth.usernameClaim !== STABLE_USERNAME_CLAIM && !auth.usernameClaimDecision) {
    report(
      ['hub', 'authentication', 'usernameClaim'],
      `'${auth.usernameClaim}' is not guaranteed unique or unchanging (OIDC Core 5.7: only '${STABLE_USERNAME_CLAIM}' is), ` +
        `so whoever gets that value inherits the server and home folder; keep '${STABLE_USERNAME_CLAIM}' or ` +
        'record why this identity provider keeps it stable in hub.authentication.usernameClaimDecision',
    );
  }
  if (auth.type === 'github') {
    checkGitHubClient(auth, report);
    checkGitHubTeams(env, auth, report);
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

type GitHubAuthentication = Extract<HubConfig['authentication'], { type: 'github' }>;

/** The `org:team` groups a GitHub-login hub's config relies on, with where each is named. */
function referencedGitHubTeams(hub: HubConfig, auth: GitHubAuthentication): Map<string, (string | number)[]> {
  const found = new Map<string, (string | number)[]>();
  const note = (team: string, path: (string | number)[]) => found.has(team) || found.set(team, path);
  auth.allowedOrganizations.forEach(
    (entry, i) => entry.includes(':') && note(entry, ['hub', 'authentication', 'allowedOrganizations', i]),
  );
  for (const role of ['admins', 'instructors'] as const) {
    hub[role].groups.forEach((group, i) => note(group, ['hub', role, 'groups', i]));
  }
  hub.profiles.forEach((p, i) =>
    (p.allowedGroups ?? []).forEach((group, j) => note(group, ['hub', 'profiles', i, 'allowedGroups', j])),
  );
  return found;
}

/** A client id's format shows whether it is a GitHub App's or an OAuth App's; clientKind must agree. */
function checkGitHubClient(auth: GitHubAuthentication, report: Report): void {
  const { clientKind, clientId } = auth;
  const format = githubClientFormat(clientId);
  if (format && format !== clientKind) {
    report(
      ['hub', 'authentication', 'clientKind'],
      `'${clientKind}' does not match client id '${clientId}', which has the ${format === 'github-app' ? 'GitHub App' : 'OAuth App'} ` +
        `format (${format === 'github-app' ? "'Iv1.' or 'Iv23'" : "'Ov23' or 20 hex digits"}); set clientKind: '${format}'` +
        (format === 'github-app'
          ? ' and give the app the organisation permission Members: read-only, or the organisation and team checks refuse everyone'
          : ''),
    );
  }
}

function checkGitHubTeams(env: Environment, auth: GitHubAuthentication, report: Report): void {
  const orgs = new Set(auth.allowedOrganizations.map((entry) => entry.split(':')[0]));
  const listed = new Set(auth.teams);
  for (const [team, path] of referencedGitHubTeams(env.hub, auth)) {
    if (!listed.has(team)) {
      report(
        path,
        `'${team}' is not in hub.authentication.teams; list every team the hub relies on, so the ` +
          'operator creates it before deploying (an organisation member could otherwise create it)',
      );
    }
  }
  auth.teams.forEach((team, i) => {
    if (!orgs.has(team.split(':')[0])) {
      report(
        ['hub', 'authentication', 'teams', i],
        `'${team}' is not in an organisation of hub.authentication.allowedOrganizations (${[...orgs].join(', ')})`,
      );
    }
  });
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

/**
 * JupyterHub exits after `consecutiveFailureLimit` failed spawns in a row (handlers/base.py,
 * `_track_failure_count`). During a scale-up up to `concurrentSpawnLimit` spawns wait on the
 * same new nodes and may time out together: a limit at or below that turns one slow
 * scale-up into a hub restart in the middle of the burst.
 */
function checkFailureLimit(env: Environment, report: Report): void {
  const { consecutiveFailureLimit: limit, concurrentSpawnLimit: pending } = env.hub;
  if (limit <= pending) {
    report(
      ['hub', 'consecutiveFailureLimit'],
      `${limit} is not above concurrentSpawnLimit ${pending}: up to ${pending} spawns can wait on the same ` +
        `new nodes and time out together, and the hub exits after ${limit} failures in a row; ` +
        `set more than ${pending} (the default is twice concurrentSpawnLimit)`,
    );
  }
}

/**
 * The kind of GitHub client an id's format shows: GitHub Apps' client ids start with
 * `Iv1.` (older apps) or `Iv23`, OAuth Apps' with `Ov23` or are 20 hex digits (older apps).
 */
export function githubClientFormat(clientId: string): 'github-app' | 'oauth-app' | undefined {
  if (/^Iv(1\.|23)/.test(clientId)) return 'github-app';
  if (/^(Ov23[A-Za-z0-9]{16}|[0-9a-f]{20})$/.test(clientId)) return 'oauth-app';
  return undefined;
}

/** The load test's target for the 95th percentile of server start, and where it comes from. */
export interface StartTarget {
  readonly seconds: number;
  /** The config field that set it, or how it was derived. */
  readonly source: string;
}

/**
 * `hub.loadTest.p95StartSeconds`, else what a server of the default profile may need on a
 * node that is already up: its start timeout less its pool's node boot. A load test runs
 * on a pre-warmed hub, so no server of it should be waiting for a node.
 */
export function loadTestStartTarget(env: Environment): StartTarget {
  const set = env.hub.loadTest.p95StartSeconds;
  if (set !== undefined) return { seconds: set, source: 'hub.loadTest.p95StartSeconds' };
  const profile = defaultProfile(env);
  const timeout = profileStartTimeout(env, profile);
  const boot = NODE_BOOT_SECONDS[profilePool(env, profile)?.kind ?? 'user'];
  return {
    seconds: Math.max(1, timeout - boot),
    source: `default: profile '${profile.slug}' start timeout ${timeout} s less node boot ${boot} s`,
  };
}

/** A p95 target at or above the start timeout cannot be missed by a server that did not fail. */
function checkLoadTest(env: Environment, report: Report): void {
  const target = env.hub.loadTest.p95StartSeconds;
  if (target === undefined) return;
  const profile = defaultProfile(env);
  const timeout = profileStartTimeout(env, profile);
  if (target >= timeout) {
    report(
      ['hub', 'loadTest', 'p95StartSeconds'],
      `${target} is not below the ${timeout} s start timeout of the default profile '${profile.slug}', ` +
        `which fails a server that slow anyway; allowed: 1 to ${timeout - 1}`,
    );
  }
}
