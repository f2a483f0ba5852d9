/**
 * What an environment really cost: Cost Explorer's unblended cost per day and per service
 * for the resources tagged with the environment (an active cost allocation tag), and,
 * where monitoring has the hub's metrics, the user-hours (hours of running user servers)
 * for a cost per user-hour beside the plan's.
 */
import {
  CostExplorerClient,
  GetCostAndUsageCommand,
  GetCostAndUsageCommandOutput,
} from '@aws-sdk/client-cost-explorer';
import { COST_TAG_KEYS } from '../../lib/cost/cost-tags';
import { SCRAPE_JOBS, SERIES_LABELS } from '../../lib/monitoring/scrape-jobs';

/** The gauge JupyterHub 5.5 exports (jupyterhub/metrics.py, prefix `jupyterhub_`). */
export const RUNNING_SERVERS_METRIC = 'jupyterhub_running_servers';

export interface DailyCost {
  /** YYYY-MM-DD */
  readonly day: string;
  readonly total: number;
  readonly byService: Readonly<Record<string, number>>;
  /** Cost Explorer's figure is still an estimate (the month is not closed). */
  readonly estimated: boolean;
}

export interface CostQuery {
  readonly environment: string;
  /** First day, YYYY-MM-DD, inclusive. */
  readonly from: string;
  /** Last day, YYYY-MM-DD, inclusive. */
  readonly to: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The day after `day` (Cost Explorer's end date is exclusive). */
export function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

/** Checks the dates before any request: both real days, in order. */
export function checkPeriod(from: string, to: string): string[] {
  const problems: string[] = [];
  for (const [flag, value] of [
    ['--from', from],
    ['--to', to],
  ] as const) {
    if (
      !DAY.test(value) ||
      Number.isNaN(Date.parse(`${value}T00:00:00Z`)) ||
      new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value
    )
      problems.push(`${flag}: ${JSON.stringify(value)} is not a date such as 2026-07-13`);
  }
  if (problems.length === 0 && to < from) problems.push(`--to: ${to} is before --from ${from}`);
  return problems;
}

/** Daily cost by service from Cost Explorer, following its pagination. */
export async function dailyCosts(client: CostExplorerClient, query: CostQuery): Promise<DailyCost[]> {
  const days: DailyCost[] = [];
  let token: string | undefined;
  do {
    const page: GetCostAndUsageCommandOutput = await client.send(
      new GetCostAndUsageCommand({
        TimePeriod: { Start: query.from, End: nextDay(query.to) },
        Granularity: 'DAILY',
        Metrics: ['UnblendedCost'],
        Filter: {
          Tags: { Key: COST_TAG_KEYS.environment, Values: [query.environment], MatchOptions: ['EQUALS'] },
        },
        GroupBy: [{ Type: 'DIMENSION', Key: 'SERVICE' }],
        NextPageToken: token,
      }),
    );
    for (const result of page.ResultsByTime ?? []) {
      const byService: Record<string, number> = {};
      for (const group of result.Groups ?? []) {
        const amount = Number(group.Metrics?.UnblendedCost?.Amount ?? 0);
        const service = group.Keys?.[0] ?? 'unknown';
        byService[service] = (byService[service] ?? 0) + amount;
      }
      const total = Object.values(byService).reduce((sum, v) => sum + v, 0);
      days.push({
        day: result.TimePeriod?.Start ?? '?',
        total,
        byService,
        estimated: result.Estimated ?? false,
      });
    }
    token = page.NextPageToken;
  } while (token);
  return days;
}

/** Step of the user-hours sum: a minute, so a change is counted within a minute of its scrape. */
const USER_HOURS_STEP_MINUTES = 1;

/**
 * The PromQL for one environment's user-hours over the day that ends at the query's
 * evaluation time: the hub's running-servers gauge (JupyterHub's `jupyterhub_running_servers`,
 * scraped by the environment's agent as job `jupyterhub`), one reading a minute, summed and
 * turned into hours. Named servers are off, so a running server is a user.
 *
 * - `max by (environment)`, not `sum`: when the hub pod is replaced, the old pod's series
 *   stays readable for the lookback (5 minutes) beside the new one, and a sum counts the
 *   servers twice.
 * - `sum_over_time(...) / 60`, not `avg_over_time(...) * 24`: a minute without data (the hub
 *   or the agent gone, monitoring added mid-day) counts as no servers, where an average
 *   over the minutes that have data would stretch them over the whole day.
 */
export function userHoursQuery(environment: string): string {
  const series = `${RUNNING_SERVERS_METRIC}{${SERIES_LABELS.environment}=${JSON.stringify(environment)}, job=${JSON.stringify(SCRAPE_JOBS.hub)}}`;
  return `sum_over_time((max by (${SERIES_LABELS.environment}) (${series}))[1d:${USER_HOURS_STEP_MINUTES}m]) / ${60 / USER_HOURS_STEP_MINUTES}`;
}

/**
 * When to evaluate {@link userHoursQuery} for `day` (UTC), in seconds: a millisecond before
 * the next midnight. The subquery's readings are aligned to whole minutes, so the day's
 * 1440 readings are 00:00 to 23:59; evaluated at midnight itself, Prometheus 2 (whose ranges
 * include their start) would also take 00:00 of the day before, counting it in both days.
 */
export function userHoursEvaluationTime(day: string): number {
  return (Date.parse(`${nextDay(day)}T00:00:00Z`) - 1) / 1000;
}

/**
 * User-hours per UTC day from the central Prometheus: hours of running user servers, each
 * reading of the hub's gauge held for a minute ({@link userHoursQuery}). A day without data
 * is 0.
 */
export async function userHoursPerDay(
  prometheusUrl: string,
  query: CostQuery,
  fetchImpl: typeof fetch = fetch,
): Promise<Record<string, number>> {
  const hours: Record<string, number> = {};
  const promql = userHoursQuery(query.environment);
  for (let day = query.from; day <= query.to; day = nextDay(day)) {
    const url = `${prometheusUrl.replace(/\/$/, '')}/api/v1/query?query=${encodeURIComponent(promql)}&time=${userHoursEvaluationTime(day)}`;
    const response = await fetchImpl(url).catch((error: Error) => {
      const cause = (error.cause as Error | undefined)?.message;
      throw new Error(`Prometheus at ${prometheusUrl}: ${error.message}${cause ? ` (${cause})` : ''}`);
    });
    const body = (await response.json().catch(() => ({}))) as {
      status?: string;
      error?: string;
      data?: { result?: { value?: [number, string] }[] };
    };
    if (!response.ok || body.status !== 'success')
      throw new Error(
        `Prometheus at ${prometheusUrl} answered ${response.status}${body.error ? ` (${body.error})` : ''} to ${promql}`,
      );
    const value = body.data?.result?.[0]?.value?.[1];
    hours[day] = value === undefined ? 0 : Number(value);
  }
  return hours;
}
