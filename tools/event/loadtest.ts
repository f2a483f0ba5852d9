/**
 * `loadtest`: hub-stress against the event's hub with the event's expected users and the
 * hub's spawn limit from config, then the event's targets checked on its report: the 95th
 * percentile of server start (hub.loadTest.p95StartSeconds, or its derived default), no
 * server failed, nothing left behind (hub-stress's own cleanup, then the hub asked again).
 *
 * hub-stress runs as a process of its own, as an operator would run it: its Ctrl-C
 * handling and cleanup stay its own, and the token reaches it in its environment, never on
 * a command line.
 */
import { spawn } from 'child_process';
import { existsSync } from 'fs';
import { join } from 'path';
import {
  defaultProfile,
  hubStartTimeout,
  loadTestStartTarget,
  serverCapacity,
} from '../../config/hub-checks';
import { Environment } from '../../config/schema';
import { PROJECT_ROOT } from '../../lib/project-paths';
import type { Report } from '../hub-stress/report';
import { HubApi } from './hub-servers';
import { StepLog } from './step-log';

/** The load test's users are `loadtest-NNNN`: hub-stress purges exactly those and nothing else. */
export const LOADTEST_PREFIX = 'loadtest';

/** hub-stress's --batch-size ceiling: more pending spawns than this are never kept. */
const MAX_PENDING = 500;

export interface LoadTestPlan {
  readonly environment: string;
  readonly users: number;
  /** The hub's concurrent spawn limit (hub.concurrentSpawnLimit). */
  readonly spawnLimit: number;
  /** Spawns kept pending at most: the spawn limit, within what hub-stress allows. */
  readonly pending: number;
  /** Per server, as the hub's own start timeout. */
  readonly timeoutSeconds: number;
  readonly profile: string;
  readonly p95StartSeconds: number;
  /** Where the p95 target comes from. */
  readonly p95Source: string;
  readonly prefix: string;
}

/** Bad input for the load test: said before anything is created. */
export class LoadTestInputError extends Error {}

/**
 * The plan for `env`, with `users` (default: the event's expected users, hub.peakUsers).
 * More users than the hub may run at once is refused before anything is sent.
 */
export function planLoadTest(env: Environment, users?: number, prefix = LOADTEST_PREFIX): LoadTestPlan {
  const count = users ?? env.hub.peakUsers;
  const limit = env.hub.activeServerLimit ?? serverCapacity(env).total;
  const field =
    env.hub.activeServerLimit === undefined ? 'what the pools host at max size' : 'hub.activeServerLimit';
  if (count > limit)
    throw new LoadTestInputError(
      `--users: ${count} is above the ${limit} servers the hub runs at once (${field}); allowed: 1 to ${limit}`,
    );
  const target = loadTestStartTarget(env);
  return {
    environment: env.name,
    users: count,
    spawnLimit: env.hub.concurrentSpawnLimit,
    pending: Math.min(env.hub.concurrentSpawnLimit, MAX_PENDING),
    timeoutSeconds: hubStartTimeout(env),
    profile: defaultProfile(env).slug,
    p95StartSeconds: target.seconds,
    p95Source: target.source,
    prefix,
  };
}

/** One target of the event, as checked on a run. */
export interface TargetResult {
  readonly name: string;
  readonly met: boolean;
  /** What was measured and against what, in one line. */
  readonly detail: string;
}

/** How many `<prefix>-NNNN` users the hub still has, and their servers by state (hub-stress status). */
export interface Leftovers {
  readonly users: number;
  readonly servers: Record<string, number>;
}

/** Each of the event's targets against a hub-stress report and what the hub still holds. */
export function checkTargets(plan: LoadTestPlan, report: Report, left: Leftovers): TargetResult[] {
  const p95 = report.spawnLatencyMs?.p95 ?? null;
  const seconds = p95 === null ? undefined : Math.round(p95 / 100) / 10;
  const ready = report.serversReady ?? 0;
  const failed = Object.entries(report.failures).filter(([, n]) => n > 0);
  const remaining = report.cleanup?.remaining ?? 0;
  return [
    {
      name: 'p95 server start',
      met: seconds !== undefined && seconds <= plan.p95StartSeconds,
      detail:
        seconds === undefined
          ? `no server became ready; the target is ${plan.p95StartSeconds} s (${plan.p95Source})`
          : `${seconds} s is ${seconds <= plan.p95StartSeconds ? 'within' : 'above'} the target ` +
            `${plan.p95StartSeconds} s (${plan.p95Source})`,
    },
    {
      name: 'none failed',
      met: failed.length === 0 && ready === plan.users,
      detail:
        `${ready} of ${plan.users} servers ready` +
        (failed.length ? `; failed: ${failed.map(([reason, n]) => `${reason} ${n}`).join(', ')}` : ''),
    },
    {
      name: 'none left behind',
      met: remaining === 0 && left.users === 0,
      detail:
        left.users === 0 && remaining === 0
          ? `no ${plan.prefix}-NNNN user left on the hub`
          : `${left.users} ${plan.prefix}-NNNN users left on the hub ` +
            `(${
              Object.entries(left.servers)
                .filter(([, n]) => n > 0)
                .map(([state, n]) => `${n} ${state}`)
                .join(', ') || 'no servers'
            }); remove them with: npm run hub-stress -- purge --prefix ${plan.prefix}`,
    },
  ];
}

export interface ToolResult {
  readonly code: number | null;
  readonly stdout: string;
}

/** Runs hub-stress with `args`; its progress (stderr) goes to `progress` line by line. */
export type HubStressRunner = (
  args: readonly string[],
  hub: HubApi,
  progress: (line: string) => void,
) => Promise<ToolResult>;

/** hub-stress from this checkout: the TypeScript source through tsx, or the compiled build. */
export const runHubStress: HubStressRunner = (args, hub, progress) => {
  const source = join(PROJECT_ROOT, 'tools', 'hub-stress', 'cli.ts');
  const entry = existsSync(source)
    ? ['--import', 'tsx', source]
    : [join(__dirname, '..', 'hub-stress', 'cli.js')];
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, JUPYTERHUB_API_URL: hub.url, JUPYTERHUB_API_TOKEN: hub.token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let pending = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    const lines = (pending + d.toString()).split(/\r?\n|\r/);
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) progress(line);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (pending.trim()) progress(pending);
      resolve({ code, stdout });
    });
  });
};

/** A hub-stress answer that is not a report: what it said went wrong. */
export class HubStressError extends Error {
  constructor(
    message: string,
    /** hub-stress's exit code: 2 for bad input (a token the hub rejects, ...). */
    readonly exitCode: number | null,
  ) {
    super(message);
  }
}

function parseAnswer(step: string, result: ToolResult): Record<string, unknown> {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(result.stdout) as Record<string, unknown>;
  } catch {
    throw new HubStressError(`hub-stress ${step} exited ${result.code} without a report`, result.code);
  }
  if (typeof parsed.error === 'string')
    throw new HubStressError(`hub-stress ${step}: ${parsed.error}`, result.code);
  return parsed;
}

export interface LoadTestOutcome {
  readonly plan: LoadTestPlan;
  readonly report: Report;
  readonly left: Leftovers;
  readonly targets: readonly TargetResult[];
  /** 0 every target met, 1 one missed, 130 interrupted. */
  readonly code: number;
}

async function leftovers(plan: LoadTestPlan, hub: HubApi, run: HubStressRunner, log: StepLog) {
  const answer = parseAnswer(
    'status',
    await run(['status', '--prefix', plan.prefix, '--json'], hub, (line) => log.record(line)),
  );
  return (answer as unknown as Report).status as Leftovers;
}

/**
 * Runs the load test: refuses a hub that still has users of an earlier run (their
 * leftovers would be counted as this run's), runs hub-stress stress with the plan, asks
 * the hub what is left, and checks the targets. Progress and a line per target go to `log`.
 */
export async function runLoadTest(
  plan: LoadTestPlan,
  hub: HubApi,
  log: StepLog,
  run: HubStressRunner = runHubStress,
): Promise<LoadTestOutcome> {
  const before = await leftovers(plan, hub, run, log);
  if (before.users > 0)
    throw new LoadTestInputError(
      `the hub has ${before.users} ${plan.prefix}-NNNN users from an earlier run; remove them first with: ` +
        `npm run hub-stress -- purge --prefix ${plan.prefix}`,
    );
  log.say(
    `${plan.environment}: ${plan.users} users of profile '${plan.profile}' through the hub's spawn limit ` +
      `${plan.spawnLimit} (hub.concurrentSpawnLimit), at most ${plan.pending} pending, ` +
      `${plan.timeoutSeconds} s per server`,
  );
  const args = [
    'stress',
    '--prefix',
    plan.prefix,
    '--count',
    String(plan.users),
    '--batch-size',
    String(plan.pending),
    '--spawn-limit',
    String(plan.spawnLimit),
    '--timeout',
    String(plan.timeoutSeconds),
    '--json',
  ];
  log.record(`hub-stress ${args.join(' ')}`);
  const result = await run(args, hub, (line) => log.say(line));
  const report = parseAnswer('stress', result) as unknown as Report;
  log.record(JSON.stringify(report));
  if (report.interrupted) {
    const left = await leftovers(plan, hub, run, log).catch(() => ({ users: -1, servers: {} }));
    log.say('interrupted: no verdict on the targets');
    return { plan, report, left, targets: [], code: 130 };
  }
  const left = await leftovers(plan, hub, run, log);
  const targets = checkTargets(plan, report, left);
  const throttled = report.retries['429'] ?? 0;
  log.say(
    `${report.serversReady ?? 0} servers ready in ${report.wallTimeS} s, ${throttled} met the hub's 429, ` +
      `spawn window ${report.spawnWindow ?? '-'}`,
  );
  for (const target of targets) log.say(`${target.met ? 'met' : 'MISSED'}: ${target.name}: ${target.detail}`);
  return { plan, report, left, targets, code: targets.every((t) => t.met) ? 0 : 1 };
}
