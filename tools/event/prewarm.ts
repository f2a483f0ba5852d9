/**
 * `prewarm --users N`: room for N users before a session. The zero-to-jupyterhub chart's
 * user placeholders are pods of the default profile's size at a priority below every
 * server; scaling their StatefulSet makes the autoscaler boot the nodes they need, and a
 * real server evicts one the moment it arrives. How many: the nodes the capacity maths
 * says N servers of the default profile need, filled, so that no booted node is left part
 * empty for the autoscaler to take away again.
 */
import { defaultProfile, efsNodePluginSizing, profileGuarantee, profilePool } from '../../config/hub-checks';
import { Environment } from '../../config/schema';
import { usersPerNode } from '../../lib/capacity';

/** The chart's placeholder StatefulSet, in the hub's namespace. */
export const PLACEHOLDER_SCALE_PATH =
  '/apis/apps/v1/namespaces/jupyterhub/statefulsets/user-placeholder/scale';

/** The chart accepts at most this many placeholders (config/hub-schema.ts). */
const MAX_PLACEHOLDERS = 200;

export interface PrewarmPlan {
  readonly users: number;
  readonly profile: string;
  readonly pool: string;
  readonly instanceType: string;
  readonly usersPerNode: number;
  readonly nodes: number;
  readonly placeholders: number;
}

/** The plan for `users`; an error naming the value and the limit when it cannot hold them. */
export function planPrewarm(env: Environment, users: number): PrewarmPlan {
  const profile = defaultProfile(env);
  const target = profilePool(env, profile);
  const guarantee = profileGuarantee(profile);
  if (!target || !guarantee)
    throw new Error(`profile '${profile.slug}' has no pool or no guarantee; the config checks say why`);
  const perNode = usersPerNode(target.pool.instanceType, guarantee, efsNodePluginSizing(env).requests);
  if (perNode === 0)
    throw new Error(`no server of profile '${profile.slug}' fits on a ${target.pool.instanceType}`);
  const nodes = Math.ceil(users / perNode);
  if (nodes > target.pool.maxSize)
    throw new Error(
      `--users: ${users} need ${nodes} ${target.pool.instanceType} nodes at ${perNode} per node, ` +
        `but pool ${profile.pool} has at most ${target.pool.maxSize} (${target.pool.maxSize * perNode} users)`,
    );
  const placeholders = Math.min(nodes * perNode, MAX_PLACEHOLDERS);
  if (placeholders < users)
    throw new Error(`--users: ${users} is more than the ${MAX_PLACEHOLDERS} placeholders the chart allows`);
  return {
    users,
    profile: profile.slug,
    pool: profile.pool,
    instanceType: target.pool.instanceType,
    usersPerNode: perNode,
    nodes,
    placeholders,
  };
}

export interface KubeApi {
  /** The API server's URL, e.g. the cluster endpoint or a `kubectl proxy` on loopback. */
  readonly url: string;
  /** A bearer token (`aws eks get-token`); none through `kubectl proxy`. */
  readonly token?: string;
}

/** Sets the placeholders' replicas through the scale subresource; resolves with what the API answered. */
export async function scalePlaceholders(api: KubeApi, replicas: number): Promise<number> {
  const response = await fetch(`${api.url.replace(/\/$/, '')}${PLACEHOLDER_SCALE_PATH}`, {
    method: 'PATCH',
    headers: {
      'content-type': 'application/merge-patch+json',
      accept: 'application/json',
      ...(api.token ? { authorization: `Bearer ${api.token}` } : {}),
    },
    body: JSON.stringify({ spec: { replicas } }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(`PATCH ${PLACEHOLDER_SCALE_PATH} answered ${response.status}: ${text.slice(0, 300)}`);
  const answered = (JSON.parse(text) as { spec?: { replicas?: number } }).spec?.replicas;
  if (answered !== replicas) throw new Error(`the scale answered replicas ${answered}, not ${replicas}`);
  return answered;
}
