/**
 * `status`: what an organiser watches during the event, read-only. From the hub API:
 * users, servers running, starting and stopping. From the Kubernetes API: nodes per pool
 * (the pool label every node group carries) and the user placeholders (wanted and ready;
 * the difference waits for a node). From the cost planner: what the plan says the elapsed
 * part of the event costs, against the plan's total; from Cost Explorer, what it really
 * cost so far, when AWS answers (it lags about a day).
 */
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { planEnvironment } from '../../config/cost-plan';
import { Environment } from '../../config/schema';
import { NODE_POOL_LABEL } from '../../lib/node-scheduling';
import { dailyCosts } from '../cost/actual-cost';
import { call, HubApi } from './hub-servers';
import { HUB_NAMESPACE } from '../../lib/hub-storage';
import { hubToken } from './hub-token';
import { KubeApi, kubeGet } from './kube-api';
import { StepLog } from './step-log';
import { hubApiUrl } from './up-command';
import { readUpRecord, runningSince } from './up-record';

export type ServerState = 'running' | 'pending' | 'stopping';

export interface HubStatus {
  readonly users: number;
  readonly running: number;
  readonly pending: number;
  readonly stopping: number;
  /** Servers not yet running or stopping, oldest first: who is waiting. */
  readonly waiting: ReadonlyArray<{
    readonly user: string;
    readonly server: string;
    readonly state: ServerState;
    readonly since?: string;
  }>;
}

interface ServerModel {
  readonly ready?: boolean;
  readonly pending?: string | null;
  readonly started?: string | null;
}

/** Every user and server the hub knows, counted. */
export async function hubStatus(api: HubApi): Promise<HubStatus> {
  let users = 0;
  const counts: Record<ServerState, number> = { running: 0, pending: 0, stopping: 0 };
  const waiting: Array<HubStatus['waiting'][number]> = [];
  for (let offset = 0; ;) {
    const { status, body } = await call(api, 'GET', `/users?offset=${offset}&limit=200`);
    if (status !== 200)
      throw new Error(`GET /users answered ${status}: ${JSON.stringify(body).slice(0, 200)}`);
    const page = (Array.isArray(body) ? body : ((body as { items?: unknown[] })?.items ?? [])) as Array<{
      name: string;
      servers?: Record<string, ServerModel>;
    }>;
    users += page.length;
    for (const user of page)
      for (const [server, model] of Object.entries(user.servers ?? {})) {
        const state: ServerState =
          model.pending === 'stop' ? 'stopping' : model.ready ? 'running' : 'pending';
        counts[state] += 1;
        if (state !== 'running')
          waiting.push({ user: user.name, server, state, since: model.started ?? undefined });
      }
    if (page.length < 200) break;
    offset += page.length;
  }
  waiting.sort((a, b) => (a.since ?? '').localeCompare(b.since ?? ''));
  return { users, ...counts, waiting };
}

export interface PoolNodes {
  readonly pool: string;
  readonly ready: number;
  readonly notReady: number;
}

export interface KubeStatus {
  readonly pools: readonly PoolNodes[];
  readonly placeholders: { readonly wanted: number; readonly ready: number };
}

export const PLACEHOLDER_PATH = `/apis/apps/v1/namespaces/${HUB_NAMESPACE}/statefulsets/user-placeholder`;
export const NODES_PATH = `/api/v1/nodes?labelSelector=${encodeURIComponent(NODE_POOL_LABEL)}`;

interface NodeList {
  readonly items?: ReadonlyArray<{
    readonly metadata?: { readonly labels?: Record<string, string> };
    readonly status?: {
      readonly conditions?: ReadonlyArray<{ readonly type: string; readonly status: string }>;
    };
  }>;
}

/** Nodes per pool (every configured pool listed, empty ones as 0) and the placeholders. */
export async function kubeStatus(api: KubeApi, pools: readonly string[]): Promise<KubeStatus> {
  const nodes = await kubeGet<NodeList>(api, NODES_PATH);
  const byPool = new Map<string, { ready: number; notReady: number }>(
    pools.map((p) => [p, { ready: 0, notReady: 0 }]),
  );
  for (const node of nodes.items ?? []) {
    const pool = node.metadata?.labels?.[NODE_POOL_LABEL] ?? '?';
    const entry = byPool.get(pool) ?? { ready: 0, notReady: 0 };
    const ready = node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    if (ready) entry.ready += 1;
    else entry.notReady += 1;
    byPool.set(pool, entry);
  }
  const set = await kubeGet<{ spec?: { replicas?: number }; status?: { readyReplicas?: number } }>(
    api,
    PLACEHOLDER_PATH,
  );
  return {
    pools: [...byPool].map(([pool, n]) => ({ pool, ...n })),
    placeholders: { wanted: set.spec?.replicas ?? 0, ready: set.status?.readyReplicas ?? 0 },
  };
}

export interface CostSoFar {
  /** The event's first day, YYYY-MM-DD. */
  readonly since: string;
  readonly elapsedDays: number;
  readonly planDays: number;
  /** The plan's cost spread evenly over its days, for the days elapsed (at most the plan's). */
  readonly plannedSoFar: number;
  readonly plannedTotal: number;
  readonly actual?: { readonly total: number; readonly to: string; readonly estimated: boolean };
  /** Why there is no actual figure. */
  readonly actualUnavailable?: string;
}

const day = (date: Date) => date.toISOString().slice(0, 10);

/** The plan's share for the elapsed days. */
export function plannedSoFar(
  env: Environment,
  since: Date,
  now: Date,
): Omit<CostSoFar, 'actual' | 'actualUnavailable'> {
  const { planned } = planEnvironment(env);
  const planDays = env.cost.plan.days;
  const elapsedDays = Math.max(0, (now.getTime() - since.getTime()) / 86_400_000);
  return {
    since: day(since),
    elapsedDays,
    planDays,
    plannedSoFar: (planned.total * Math.min(elapsedDays, planDays)) / planDays,
    plannedTotal: planned.total,
  };
}

/** The plan so far, and Cost Explorer's figure from the first day to today when it answers. */
export async function costSoFar(env: Environment, since: Date, now: Date): Promise<CostSoFar> {
  const plan = plannedSoFar(env, since, now);
  const client = new CostExplorerClient({ region: 'us-east-1', maxAttempts: 2 });
  try {
    const days = await dailyCosts(client, { environment: env.name, from: plan.since, to: day(now) });
    return {
      ...plan,
      actual: {
        total: days.reduce((sum, d) => sum + d.total, 0),
        to: day(now),
        estimated: days.some((d) => d.estimated),
      },
    };
  } catch (error) {
    return { ...plan, actualUnavailable: `Cost Explorer: ${(error as Error).message}` };
  } finally {
    client.destroy();
  }
}

export interface StatusReport {
  readonly environment: string;
  readonly at: string;
  /** When `down` last completed here (and when the event it ended began); absent while up. */
  readonly down?: { readonly at: string; readonly upAt?: string };
  readonly hub: { readonly url: string } & (HubStatus | { readonly error: string });
  readonly kubernetes: KubeStatus | { readonly error: string } | { readonly unavailable: string };
  readonly cost: CostSoFar | { readonly unavailable: string };
}

const usd = (n: number) => `$${n.toFixed(2)}`;

export function renderStatus(report: StatusReport): string[] {
  const lines = [`${report.environment} at ${report.at}`];
  const { hub, kubernetes: kube, cost, down } = report;
  if (down)
    lines.push(
      `${report.environment} is down: down completed at ${down.at}` +
        (down.upAt ? ` (the event began at ${down.upAt})` : ''),
    );
  if ('error' in hub) lines.push(`hub ${hub.url}: not available: ${hub.error}`);
  else {
    lines.push(
      `hub ${hub.url}: ${hub.users} users; servers: ${hub.running} running, ${hub.pending} pending, ${hub.stopping} stopping`,
    );
    for (const w of hub.waiting.slice(0, 10))
      lines.push(
        `  ${w.state}: ${w.user}${w.server ? `/${w.server}` : ''}${w.since ? ` since ${w.since}` : ''}`,
      );
    if (hub.waiting.length > 10) lines.push(`  ... and ${hub.waiting.length - 10} more`);
  }
  if ('error' in kube) lines.push(`kubernetes: not available: ${kube.error}`);
  else if ('unavailable' in kube) lines.push(`kubernetes: not available: ${kube.unavailable}`);
  else {
    lines.push(
      `nodes: ${kube.pools.map((p) => `${p.pool} ${p.ready} ready${p.notReady ? `, ${p.notReady} not ready` : ''}`).join('; ')}`,
    );
    const waitingForNode = Math.max(0, kube.placeholders.wanted - kube.placeholders.ready);
    lines.push(
      `placeholders: ${kube.placeholders.wanted} wanted, ${kube.placeholders.ready} ready` +
        (waitingForNode ? ` (${waitingForNode} waiting for a node)` : ''),
    );
  }
  if ('unavailable' in cost) lines.push(`cost: ${cost.unavailable}`);
  else {
    lines.push(
      `cost since ${cost.since} (day ${cost.elapsedDays.toFixed(1)} of ${cost.planDays}): ` +
        `planned ${usd(cost.plannedSoFar)} so far of ${usd(cost.plannedTotal)}`,
    );
    lines.push(
      cost.actual
        ? `  actual: ${usd(cost.actual.total)} to ${cost.actual.to} (Cost Explorer${cost.actual.estimated ? ', estimated' : ''}; it lags about a day)`
        : `  actual: not available (${cost.actualUnavailable})`,
    );
  }
  return lines;
}

/** Runs `status`; resolves with 0 when every part that was asked answered, 1 otherwise. */
export async function status(
  env: Environment,
  options: {
    readonly hubUrl?: string;
    readonly kube?: KubeApi;
    /** The event's first day, YYYY-MM-DD. @default when `up` last completed here */
    readonly since?: string;
    readonly json: boolean;
    readonly log: StepLog;
    /** @default now */
    readonly now?: Date;
  },
): Promise<number> {
  const now = options.now ?? new Date();
  const url = hubApiUrl(env, options.hubUrl);
  const hubPart = async (): Promise<StatusReport['hub']> => {
    try {
      const token = await hubToken(process.env, options.kube);
      return { url, ...(await hubStatus({ url, token })) };
    } catch (error) {
      return { url, error: (error as Error).message };
    }
  };
  const pools = ['core', ...Object.keys(env.nodePools.user), ...Object.keys(env.nodePools.gpu)];
  const kubePart = async (): Promise<StatusReport['kubernetes']> => {
    if (!options.kube) return { unavailable: 'pass --kube-api URL (or KUBE_API_URL), and KUBE_TOKEN' };
    try {
      return await kubeStatus(options.kube, pools);
    } catch (error) {
      return { error: (error as Error).message };
    }
  };
  const record = readUpRecord(env.name);
  const down = record?.downAt ? { at: record.downAt, upAt: record.upAt } : undefined;
  const since = options.since ? new Date(`${options.since}T00:00:00Z`) : runningSince(record);
  const costPart = async (): Promise<StatusReport['cost']> =>
    since
      ? costSoFar(env, since, now)
      : {
          unavailable: down
            ? `not counted: the event ended when down completed at ${down.at}; pass --since YYYY-MM-DD to count from a date`
            : `the event's start is not known here: pass --since YYYY-MM-DD (up records it when it completes)`,
        };
  const [hub, kubernetes, cost] = await Promise.all([hubPart(), kubePart(), costPart()]);
  const report: StatusReport = {
    environment: env.name,
    at: now.toISOString(),
    ...(down ? { down } : {}),
    hub,
    kubernetes,
    cost,
  };
  for (const line of renderStatus(report)) options.log.say(line);
  if (options.json) console.log(JSON.stringify(report, null, 2));
  return 'error' in hub || 'error' in kubernetes ? 1 : 0;
}
