/**
 * `prewarm --users N [--until TIME]`: room for N users before a session. The
 * zero-to-jupyterhub chart's user placeholders are pods of the default profile's size at a
 * priority below every server; scaling their StatefulSet makes the autoscaler boot the
 * nodes they need, and a real server evicts one the moment it arrives. How many: the nodes
 * the capacity maths says N servers of the default profile need, filled, so that no booted
 * node is left part empty for the autoscaler to take away again.
 *
 * After the scale request it waits, with progress lines and a timeout, until every
 * placeholder runs and the nodes they run on are Ready. `--until` undoes it at that time
 * without the operator's laptop: a one-off Kubernetes Job, created before the scale-up,
 * runs the placeholder scaler (lib/jupyterhub/scale_placeholders.py --at) as its service
 * account, whose role may scale the user-placeholder StatefulSet and nothing else, and sets
 * the count config gives for that time (the timetable's, else hub.placeholders).
 */
import { defaultProfile, efsNodePluginSizing, profileGuarantee, profilePool } from '../../config/hub-checks';
import { Environment } from '../../config/schema';
import { usersPerNode } from '../../lib/capacity';
import {
  PLACEHOLDER_SCALER,
  PLACEHOLDER_SCALER_IMAGE,
  PLACEHOLDER_SCALER_UID,
  PLACEHOLDER_SCRIPT_DIR,
  PLACEHOLDER_SCRIPT_KEY,
  USER_PLACEHOLDER_STATEFULSET,
} from '../../lib/jupyterhub/placeholder-schedule';
import { NODE_POOL_LABEL } from '../../lib/node-scheduling';
import { CORE_NODE_SELECTOR, guaranteed } from '../../lib/platform/placement';
import { changeInEffect, countChanges, MINUTES_PER_DAY, WEEK_DAYS } from '../../lib/timetable';

/** The hub's namespace, where the placeholders and the scaler live. */
const NAMESPACE = 'jupyterhub';

/** The chart's placeholder StatefulSet, in the hub's namespace. */
export const PLACEHOLDER_SCALE_PATH = `/apis/apps/v1/namespaces/${NAMESPACE}/statefulsets/${USER_PLACEHOLDER_STATEFULSET}/scale`;

/** The chart's placeholder pods (templates/scheduling/user-placeholder: component label). */
export const PLACEHOLDER_POD_SELECTOR = 'component=user-placeholder';

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

/** A Kubernetes API answer that is not what was asked for. */
export class KubeError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** One call to the Kubernetes API; resolves with the parsed body of a 2xx answer. */
async function kube(api: KubeApi, method: string, path: string, body?: unknown, type = 'application/json') {
  const response = await fetch(`${api.url.replace(/\/$/, '')}${path}`, {
    method,
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': type }),
      ...(api.token ? { authorization: `Bearer ${api.token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok)
    throw new KubeError(
      `${method} ${path.split('?')[0]} answered ${response.status}: ${text.slice(0, 300)}`,
      response.status,
    );
  return JSON.parse(text || '{}') as unknown;
}

/** Sets the placeholders' replicas through the scale subresource; resolves with what the API answered. */
export async function scalePlaceholders(api: KubeApi, replicas: number): Promise<number> {
  const answer = (await kube(
    api,
    'PATCH',
    PLACEHOLDER_SCALE_PATH,
    { spec: { replicas } },
    'application/merge-patch+json',
  )) as { spec?: { replicas?: number } };
  const answered = answer.spec?.replicas;
  if (answered !== replicas) throw new Error(`the scale answered replicas ${answered}, not ${replicas}`);
  return answered;
}

/** --until bad input: said before anything is sent. */
export class UntilError extends Error {}

/** The wall clock of `at` in `zone`: date parts and minute of the week (Monday 00:00 is 0). */
function wallClock(at: Date, zone: string) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const day = WEEK_DAYS.indexOf(parts.weekday.toLowerCase().slice(0, 3) as (typeof WEEK_DAYS)[number]);
  const hour = Number(parts.hour);
  const minute = Number(parts.minute);
  return {
    asUtc: Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), hour, minute),
    minuteOfWeek: day * MINUTES_PER_DAY + hour * 60 + minute,
  };
}

/** The instant the wall clock in `zone` reads `hours`:`minutes` on the day `day` (UTC date of a wall clock). */
function instantOf(dayUtc: number, hours: number, minutes: number, zone: string): number {
  const wanted = dayUtc + (hours * 60 + minutes) * 60_000;
  let guess = wanted;
  // Twice: the offset at the guess may differ from the offset at the answer across a DST change.
  for (let i = 0; i < 2; i++) guess = wanted - (wallClock(new Date(guess), zone).asUtc - guess);
  return guess;
}

/** The longest a pre-warm may last: the undo Job waits in the cluster that long at most. */
export const MAX_UNTIL_DAYS = 7;

/**
 * The time `--until` names: `HH:MM`, the next such time in `zone` (the event's time zone),
 * or an ISO 8601 date-time with a UTC offset. It must be after `now` and within
 * MAX_UNTIL_DAYS days.
 */
export function parseUntil(text: string, zone: string, now: Date): Date {
  const allowed =
    `allowed: HH:MM (24-hour, the next such time in ${zone}) or an ISO 8601 date-time with offset ` +
    'such as 2026-07-14T17:30-07:00';
  let at: number;
  const clock = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (clock) {
    const today = wallClock(now, zone).asUtc;
    const midnight = today - (today % (MINUTES_PER_DAY * 60_000));
    at = instantOf(midnight, Number(clock[1]), Number(clock[2]), zone);
    if (at <= now.getTime())
      at = instantOf(midnight + MINUTES_PER_DAY * 60_000, Number(clock[1]), Number(clock[2]), zone);
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    at = Date.parse(text);
    const [year, month, day] = text.slice(0, 10).split('-').map(Number);
    // Date.parse rolls 2026-02-30 over into March: a day the month does not have is refused.
    if (Number.isNaN(at) || new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day)
      throw new UntilError(`--until: ${JSON.stringify(text)} is not a real date-time; ${allowed}`);
  } else {
    throw new UntilError(`--until: ${JSON.stringify(text)} is not a time; ${allowed}`);
  }
  if (at <= now.getTime())
    throw new UntilError(
      `--until: ${JSON.stringify(text)} is in the past (now ${now.toISOString()}); give a later time`,
    );
  if (at - now.getTime() > MAX_UNTIL_DAYS * MINUTES_PER_DAY * 60_000)
    throw new UntilError(
      `--until: ${JSON.stringify(text)} is more than ${MAX_UNTIL_DAYS} days away; allowed: up to ${MAX_UNTIL_DAYS} days from now`,
    );
  return new Date(at);
}

/** The zone --until's HH:MM is read in: the timetable's, else UTC. */
export function eventTimeZone(env: Environment): string {
  return env.hub.schedule?.timeZone ?? 'UTC';
}

/** The placeholder count config gives for `at`: the timetable's count in effect then, else hub.placeholders. */
export function configuredPlaceholders(env: Environment, at: Date): { count: number; source: string } {
  const schedule = env.hub.schedule;
  if (!schedule) return { count: env.hub.placeholders, source: 'hub.placeholders' };
  const change = changeInEffect(
    countChanges(schedule.placeholders),
    wallClock(at, schedule.timeZone).minuteOfWeek,
  );
  return { count: change.count, source: `hub.schedule.placeholders.${change.entry}` };
}

/** The one-off Job that sets the placeholders to `replicas` at `at`, in the cluster. */
export function undoJob(
  replicas: number,
  at: Date,
  now: Date,
): { name: string; manifest: Record<string, unknown> } {
  const stamp = at.toISOString().slice(0, 16).replace(/[-:]/g, '').toLowerCase();
  const name = `${PLACEHOLDER_SCALER}-until-${stamp}z-to-${replicas}`;
  const labels = {
    'app.kubernetes.io/name': PLACEHOLDER_SCALER,
    'app.kubernetes.io/component': 'prewarm-until',
  };
  const waitSeconds = Math.max(0, Math.ceil((at.getTime() - now.getTime()) / 1000));
  return {
    name,
    manifest: {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name,
        namespace: NAMESPACE,
        labels,
        annotations: { 'jupyterhub-aws/until': at.toISOString() },
      },
      spec: {
        // Evicted or its node gone: a new pod waits out the rest of the time, then scales.
        backoffLimit: 6,
        activeDeadlineSeconds: waitSeconds + 3600,
        ttlSecondsAfterFinished: 86400,
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: PLACEHOLDER_SCALER,
            restartPolicy: 'Never',
            nodeSelector: { ...CORE_NODE_SELECTOR },
            securityContext: {
              runAsNonRoot: true,
              runAsUser: PLACEHOLDER_SCALER_UID,
              runAsGroup: PLACEHOLDER_SCALER_UID,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [
              {
                name: 'scale',
                image: PLACEHOLDER_SCALER_IMAGE,
                command: [
                  'python',
                  `${PLACEHOLDER_SCRIPT_DIR}/${PLACEHOLDER_SCRIPT_KEY}`,
                  '--namespace',
                  NAMESPACE,
                  '--statefulset',
                  USER_PLACEHOLDER_STATEFULSET,
                  '--at',
                  at.toISOString(),
                  String(replicas),
                ],
                env: [{ name: 'PYTHONDONTWRITEBYTECODE', value: '1' }],
                resources: guaranteed(50, 64),
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
                volumeMounts: [{ name: 'script', mountPath: PLACEHOLDER_SCRIPT_DIR, readOnly: true }],
              },
            ],
            volumes: [{ name: 'script', configMap: { name: `${PLACEHOLDER_SCALER}-script` } }],
          },
        },
      },
    },
  };
}

/**
 * Creates the undo Job. The scaler's service account must exist (the platform stack
 * deploys it in every environment); the same Job already there (same time, same count) is
 * taken as done. Resolves with whether it was created now.
 */
export async function scheduleUndo(api: KubeApi, job: ReturnType<typeof undoJob>): Promise<boolean> {
  try {
    await kube(api, 'GET', `/api/v1/namespaces/${NAMESPACE}/serviceaccounts/${PLACEHOLDER_SCALER}`);
  } catch (error) {
    if (error instanceof KubeError && error.status === 404)
      throw new Error(
        `--until: the placeholder scaler (service account ${NAMESPACE}/${PLACEHOLDER_SCALER}) is not in the cluster; ` +
          'deploy the platform stack first (npm run cdktf -- deploy). Nothing was scaled.',
      );
    throw error;
  }
  try {
    await kube(api, 'POST', `/apis/batch/v1/namespaces/${NAMESPACE}/jobs`, job.manifest);
    return true;
  } catch (error) {
    if (error instanceof KubeError && error.status === 409) return false;
    throw error;
  }
}

interface PodItem {
  readonly metadata?: { readonly deletionTimestamp?: string };
  readonly spec?: { readonly nodeName?: string };
  readonly status?: { readonly phase?: string };
}
interface NodeItem {
  readonly metadata?: { readonly name?: string };
  readonly status?: {
    readonly conditions?: ReadonlyArray<{ readonly type: string; readonly status: string }>;
  };
}

/** Where a pre-warm stands: placeholders running and pending, the pool's nodes Ready or not. */
export interface WarmStatus {
  readonly running: number;
  readonly pending: number;
  readonly nodesReady: number;
  readonly nodesNotReady: number;
  /** Every placeholder runs, on a Ready node. */
  readonly warm: boolean;
}

/** One look at the placeholder pods and the pool's nodes. */
export async function warmStatus(api: KubeApi, replicas: number, pool: string): Promise<WarmStatus> {
  const pods =
    (
      (await kube(
        api,
        'GET',
        `/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=${encodeURIComponent(PLACEHOLDER_POD_SELECTOR)}`,
      )) as { items?: PodItem[] }
    ).items ?? [];
  const nodes =
    (
      (await kube(
        api,
        'GET',
        `/api/v1/nodes?labelSelector=${encodeURIComponent(`${NODE_POOL_LABEL}=${pool}`)}`,
      )) as {
        items?: NodeItem[];
      }
    ).items ?? [];
  const live = pods.filter((p) => !p.metadata?.deletionTimestamp);
  const running = live.filter((p) => p.status?.phase === 'Running');
  const ready = new Set(
    nodes
      .filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
      .map((n) => n.metadata?.name),
  );
  const onReadyNodes = running.every((p) => p.spec?.nodeName !== undefined && ready.has(p.spec.nodeName));
  return {
    running: running.length,
    pending: live.length - running.length,
    nodesReady: ready.size,
    nodesNotReady: nodes.length - ready.size,
    warm: running.length >= replicas && onReadyNodes,
  };
}

export function describeWarm(status: WarmStatus, replicas: number, pool: string): string {
  return (
    `placeholders ${status.running} of ${replicas} running (${status.pending} pending); ` +
    `pool ${pool}: ${status.nodesReady} node(s) Ready, ${status.nodesNotReady} not Ready`
  );
}

/**
 * Polls until the placeholders are warm or `timeoutMs` has passed; says a line whenever
 * the picture changes. Resolves with the last status (warm false: timed out).
 */
export async function waitUntilWarm(
  api: KubeApi,
  replicas: number,
  pool: string,
  options: { readonly timeoutMs: number; readonly pollMs: number; readonly say: (line: string) => void },
): Promise<WarmStatus> {
  const started = Date.now();
  let last = '';
  for (;;) {
    const status = await warmStatus(api, replicas, pool);
    const line = describeWarm(status, replicas, pool);
    if (line !== last) options.say(`${Math.round((Date.now() - started) / 1000)} s: ${line}`);
    last = line;
    if (status.warm || Date.now() - started >= options.timeoutMs) return status;
    await new Promise((resolve) =>
      setTimeout(resolve, Math.min(options.pollMs, Math.max(0, started + options.timeoutMs - Date.now()))),
    );
  }
}
