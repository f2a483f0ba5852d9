/** The end-of-run report: one shape for --json, and a short text rendering of it. */
import { Command } from './args';
import { LatencySummary } from './stats';

export interface CleanupSummary {
  readonly removed: number;
  /** Users of this run that still exist (0 unless removal failed or --keep). */
  readonly remaining: number;
  readonly failures: Record<string, number>;
}

export interface Report {
  readonly command: Command;
  readonly endpoint: string;
  readonly prefix: string;
  readonly dryRun: boolean;
  readonly interrupted: boolean;
  readonly kept: boolean;
  readonly wallTimeS: number;
  /** Failures by reason, for users and servers. */
  readonly failures: Record<string, number>;
  /** Retried hub answers by status code (or socket error code). */
  readonly retries: Record<string, number>;
  /** Every hub API exchange of the run (for activity: the probe stream under load). */
  readonly apiLatencyMs: LatencySummary;
  readonly usersCreated?: number;
  readonly serversRequested?: number;
  readonly serversReady?: number;
  /** From a user's first spawn request to its server being ready, throttle waits included. */
  readonly spawnLatencyMs?: LatencySummary;
  readonly spawnsPerMinute?: number;
  /** Spawns kept pending at most by the end: the hub's limit as learned from its 429s, or --spawn-limit, or --batch-size. */
  readonly spawnWindow?: number;
  readonly cleanup?: CleanupSummary;
  readonly activity?: {
    readonly workers: number;
    readonly durationS: number;
    readonly updates: number;
    readonly updatesPerSecond: number;
    readonly updateLatencyMs: LatencySummary;
    /** The probe stream before the load started, for comparison with apiLatencyMs. */
    readonly idleApiLatencyMs: LatencySummary;
  };
  readonly status?: {
    readonly users: number;
    readonly servers: Record<string, number>;
  };
  /** What a --dry-run would have done. */
  readonly plan?: string;
}

/** 0 all good, 1 something failed or was left behind, 130 interrupted (after cleanup). */
export function exitCode(report: Report): number {
  if (report.interrupted) return 130;
  const failed = Object.values(report.failures).some((n) => n > 0);
  const leftBehind = !report.kept && (report.cleanup?.remaining ?? 0) > 0;
  return failed || leftBehind ? 1 : 0;
}

function latency(summary: LatencySummary): string {
  if (summary.count === 0) return 'no samples';
  return `p50 ${summary.p50} ms, p95 ${summary.p95} ms, p99 ${summary.p99} ms, max ${summary.max} ms (${summary.count} samples)`;
}

function tally(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  return entries.length === 0 ? 'none' : entries.map(([k, v]) => `${k}: ${v}`).join(', ');
}

export function formatText(report: Report): string {
  const lines: string[] = [];
  const add = (label: string, value: string | number): void => {
    lines.push(`${`${label}:`.padEnd(22)}${value}`);
  };
  const title = `hub-stress ${report.command}${report.dryRun ? ' (dry run)' : ''}${report.interrupted ? ' (interrupted)' : ''}`;
  lines.push(`${title} against ${report.endpoint}, prefix ${report.prefix}`);
  if (report.plan) add('plan', report.plan);
  if (report.status) {
    add('users', report.status.users);
    add('servers', tally(report.status.servers));
  }
  if (report.usersCreated !== undefined) add('users created', report.usersCreated);
  if (report.serversRequested !== undefined) add('servers requested', report.serversRequested);
  if (report.serversReady !== undefined) add('servers ready', report.serversReady);
  if (report.spawnLatencyMs) add('spawn latency', latency(report.spawnLatencyMs));
  if (report.spawnsPerMinute !== undefined) add('spawns per minute', report.spawnsPerMinute);
  if (report.spawnWindow !== undefined) add('spawn window', report.spawnWindow);
  if (report.activity) {
    const a = report.activity;
    add(
      'activity updates',
      `${a.updates} from ${a.workers} workers in ${a.durationS} s (${a.updatesPerSecond}/s)`,
    );
    add('update latency', latency(a.updateLatencyMs));
    add('idle API latency', latency(a.idleApiLatencyMs));
  }
  add(report.activity ? 'API latency (load)' : 'hub API latency', latency(report.apiLatencyMs));
  add('failures', tally(report.failures));
  add('retries', tally(report.retries));
  if (report.cleanup) {
    add(
      'cleanup',
      `${report.cleanup.removed} removed, ${report.cleanup.remaining} remaining (${tally(report.cleanup.failures)})`,
    );
  }
  if (report.kept) add('kept', `yes; remove later with: hub-stress purge --prefix ${report.prefix}`);
  add('wall time', `${report.wallTimeS} s`);
  return lines.join('\n') + '\n';
}
