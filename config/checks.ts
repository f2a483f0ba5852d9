/**
 * Rules that relate one field of an environment to another. They run on a structurally
 * valid environment, so every field they read is present and typed.
 */
import { parseCidr } from '../lib/cidr';
import { INSTANCE_TYPES } from '../lib/instance-types';
import { clusterName } from '../lib/naming';
import { checkArchive } from './archive-schema';
import { checkHub } from './hub-checks';
import { checkPlatformConfig } from './platform-checks';
import { checkSchedule } from './schedule-checks';
import { Environment, NodePoolConfig } from './schema';

export interface ConfigIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

export type Report = (path: (string | number)[], message: string) => void;

/** Public API allow-list entries broader than this are someone's mistake, not an operator network. */
const MIN_PUBLIC_ENDPOINT_PREFIX = 8;

export function checkEnvironment(env: Environment): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const report: Report = (path, message) => issues.push({ path, message });
  checkPools(env, report);
  checkAccess(env, report);
  checkHub(env, report);
  checkPlatformConfig(env, report);
  checkSchedule(env, report);
  checkArchive(env.archive, report);
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
  for (const kind of ['user', 'gpu'] as const) {
    for (const [name, pool] of Object.entries(env.nodePools[kind])) {
      if (pool.minSize > 0)
        report(['nodePools', kind, name, 'minSize'], raisedMinimum(env, kind, name, pool));
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

/**
 * Why a user or GPU pool's minimum stays 0, and what to do instead. The node group ignores
 * desired_size (the autoscaler owns it), so raising the minimum above the current desired
 * size makes EKS reject the update ("Minimum capacity N can't be greater than desired size
 * M"; terraform-aws-modules/terraform-aws-eks#3683, #3521) and the apply fails.
 */
function raisedMinimum(env: Environment, kind: 'user' | 'gpu', name: string, pool: NodePoolConfig): string {
  const instead =
    kind === 'user'
      ? `to keep warm seats, raise hub.placeholders (placeholders of the default profile hold seats ` +
        `and the autoscaler adds nodes for them); to start nodes now, run ` +
        `\`aws eks update-nodegroup-config --cluster-name ${clusterName(env)} --nodegroup-name ${clusterName(env)}-${name} ` +
        `--scaling-config desiredSize=${pool.minSize}\``
      : `to start GPU nodes ahead of a session, run \`aws eks update-nodegroup-config --cluster-name ${clusterName(env)} ` +
        `--nodegroup-name ${clusterName(env)}-${name} --scaling-config desiredSize=${pool.minSize}\``;
  return (
    `${pool.minSize} is refused: ${kind} pools scale from zero and the autoscaler owns their size, ` +
    `so EKS would reject a minimum above the pool's current desired size and the apply would fail; ` +
    `leave it at 0 and ${instead} (the autoscaler removes idle nodes after platform.autoscaler.scaleDownUnneededMinutes)`
  );
}

/** What the network and API access rules read: shared by hub environments and the monitoring cluster. */
export interface ClusterAccessFields {
  readonly region: string;
  readonly network: { readonly vpcCidr: string; readonly availabilityZones: readonly string[] };
  readonly cluster: {
    readonly publicEndpointCidrs: readonly string[];
    /** @default [] */
    readonly privateEndpointCidrs?: readonly string[];
  };
}

/** VPC size, public endpoint allow-list and zones of a cluster's config. */
export function checkClusterAccess(env: ClusterAccessFields, report: Report): void {
  const vpc = parseCidr(env.network.vpcCidr);
  if (vpc && (vpc.prefix < 16 || vpc.prefix > 20)) {
    report(
      ['network', 'vpcCidr'],
      `${env.network.vpcCidr} must be a /16 to /20: AWS allows no larger VPC, and pods need the addresses`,
    );
  }
  env.cluster.publicEndpointCidrs.forEach((text, i) => {
    const prefix = parseCidr(text)?.prefix;
    if (prefix !== undefined && prefix < MIN_PUBLIC_ENDPOINT_PREFIX) {
      report(
        ['cluster', 'publicEndpointCidrs', i],
        `${text} opens the Kubernetes API to ${prefix === 0 ? 'the whole internet' : 'a large part of the internet'}; ` +
          `list the operators' networks (/${MIN_PUBLIC_ENDPOINT_PREFIX} or narrower) or leave the list empty`,
      );
    }
  });
  (env.cluster.privateEndpointCidrs ?? []).forEach((text, i) => {
    const prefix = parseCidr(text)?.prefix;
    if (prefix !== undefined && prefix < MIN_PUBLIC_ENDPOINT_PREFIX) {
      report(
        ['cluster', 'privateEndpointCidrs', i],
        `${text} admits ${prefix === 0 ? 'every address' : 'a large part of the address space'} to the Kubernetes API; ` +
          `list the operators' networks (/${MIN_PUBLIC_ENDPOINT_PREFIX} or narrower)`,
      );
    }
  });
  const zones = env.network.availabilityZones;
  zones.forEach((zone, i) => {
    if (!zone.startsWith(env.region) || zone.length !== env.region.length + 1)
      report(['network', 'availabilityZones', i], `'${zone}' is not a zone of ${env.region}`);
    else if (zones.indexOf(zone) !== i)
      report(['network', 'availabilityZones', i], `'${zone}' is listed twice; each zone gets one subnet`);
  });
}

function checkAccess(env: Environment, report: Report): void {
  checkClusterAccess(env, report);
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
