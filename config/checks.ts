/**
 * Rules that relate one field of an environment to another. They run on a structurally
 * valid environment, so every field they read is present and typed.
 */
import { nodesForUsers, usersPerNode } from '../lib/capacity';
import { parseCidr } from '../lib/cidr';
import { INSTANCE_TYPES } from '../lib/instance-types';
import { Environment, NodePoolConfig } from './schema';

export interface ConfigIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

type Report = (path: (string | number)[], message: string) => void;

export function checkEnvironment(env: Environment): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const report: Report = (path, message) => issues.push({ path, message });
  checkPools(env, report);
  checkAccess(env, report);
  checkPeakCapacity(env, report);
  return issues;
}

/** Every pool, with its config path and whether it is a GPU pool. */
export function allPools(env: Environment): Array<{ path: string[]; pool: NodePoolConfig; gpu: boolean }> {
  return [
    { path: ['nodePools', 'core'], pool: env.nodePools.core, gpu: false },
    ...Object.entries(env.nodePools.user).map(([name, pool]) => ({
      path: ['nodePools', 'user', name],
      pool,
      gpu: false,
    })),
    ...Object.entries(env.nodePools.gpu).map(([name, pool]) => ({
      path: ['nodePools', 'gpu', name],
      pool,
      gpu: true,
    })),
  ];
}

function checkPools(env: Environment, report: Report): void {
  for (const { path, pool, gpu } of allPools(env)) {
    if (pool.minSize > pool.maxSize)
      report([...path, 'maxSize'], `${pool.maxSize} is below minSize ${pool.minSize}`);
    if (
      pool.desiredSize !== undefined &&
      (pool.desiredSize < pool.minSize || pool.desiredSize > pool.maxSize)
    ) {
      report(
        [...path, 'desiredSize'],
        `${pool.desiredSize} is outside minSize ${pool.minSize} .. maxSize ${pool.maxSize}`,
      );
    }
    const gpus = INSTANCE_TYPES[pool.instanceType].gpus;
    if (gpu && gpus === 0) {
      report(
        [...path, 'instanceType'],
        `'${pool.instanceType}' has no GPU; a GPU pool needs a type such as g4dn.xlarge`,
      );
    }
    if (!gpu && gpus > 0) {
      report(
        [...path, 'instanceType'],
        `'${pool.instanceType}' is a GPU type; declare it under nodePools.gpu`,
      );
    }
  }
  if (env.nodePools.core.minSize < 1) {
    report(
      ['nodePools', 'core', 'minSize'],
      `${env.nodePools.core.minSize} leaves the hub nowhere to run; must be at least 1`,
    );
  }
  for (const name of Object.keys(env.nodePools.gpu)) {
    if (name in env.nodePools.user) {
      report(
        ['nodePools', 'gpu', name],
        `pool name '${name}' is also a user pool; pool names must be unique`,
      );
    }
  }
}

function checkAccess(env: Environment, report: Report): void {
  const vpc = parseCidr(env.network.vpcCidr);
  if (vpc && (vpc.prefix < 16 || vpc.prefix > 20)) {
    report(
      ['network', 'vpcCidr'],
      `${env.network.vpcCidr} must be a /16 to /20: AWS allows no larger VPC, and pods need the addresses`,
    );
  }
  env.cluster.publicEndpointCidrs.forEach((text, i) => {
    if (parseCidr(text)?.prefix === 0) {
      report(
        ['cluster', 'publicEndpointCidrs', i],
        `${text} opens the Kubernetes API to the whole internet; list the operators' networks or leave the list empty`,
      );
    }
  });
  if (env.tier === 'production' && env.cluster.admins.length === 0) {
    report(['cluster', 'admins'], '[] is empty; a production environment needs at least one cluster admin');
  }
  if (env.state.backend === 'local' && env.tier !== 'development') {
    report(
      ['state', 'backend'],
      `'local' keeps state on one laptop; a ${env.tier} environment must use 's3'`,
    );
  }
}

/** The default profile's servers for `peakUsers` must fit its pool at max size. */
function checkPeakCapacity(env: Environment, report: Report): void {
  const profiles = env.hub.profiles;
  const chosen = profiles.find((p) => p.default) ?? profiles[0];
  const index = profiles.indexOf(chosen);
  const poolKind =
    chosen.pool in env.nodePools.user ? 'user' : chosen.pool in env.nodePools.gpu ? 'gpu' : undefined;
  if (!poolKind) {
    const known = [...Object.keys(env.nodePools.user), ...Object.keys(env.nodePools.gpu)].join(', ');
    report(['hub', 'profiles', index, 'pool'], `'${chosen.pool}' is not a user or GPU pool; pools: ${known}`);
    return;
  }
  const pool = env.nodePools[poolKind][chosen.pool];
  const cpu = chosen.cpu.guarantee ?? chosen.cpu.limit;
  const memory = chosen.memory.guarantee ?? chosen.memory.limit;
  if (cpu === undefined || memory === undefined) return; // the profile checks report it
  const guarantee = { cpu, memory, gpus: chosen.gpus };
  const perNode = usersPerNode(pool.instanceType, guarantee);
  const needed = nodesForUsers(env.hub.peakUsers, pool.instanceType, guarantee);
  if (needed > pool.maxSize) {
    const demand = `${env.hub.peakUsers} users of profile '${chosen.slug}' (${cpu} CPU, ${memory})`;
    report(
      ['hub', 'peakUsers'],
      perNode === 0
        ? `${demand} do not fit on a ${pool.instanceType} at all`
        : `${demand} need ${needed} ${pool.instanceType} nodes at ${perNode} per node, ` +
            `but nodePools.${poolKind}.${chosen.pool}.maxSize is ${pool.maxSize}`,
    );
  }
}
