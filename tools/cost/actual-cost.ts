/**
 * What an environment really cost: Cost Explorer's unblended cost per day and per service
 * for the resources tagged with the environment (an active cost allocation tag), and,
 * where monitoring has the hub's metrics, the server-hours users ran, for a cost per
 * user-hour beside the plan's.
 */
import {
  CostExplorerClient,
  GetCostAndUsageCommand,
  GetCostAndUsageCommandOutput,
} from '@aws-sdk/client-cost-explorer';
import { COST_TAG_KEYS } from '../../lib/cost/cost-tags';

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

/**
 * Server-hours per day from the central Prometheus: the hub's running-servers gauge for
 * the environment, averaged over each day and multiplied by 24.
 */
export async function serverHoursPerDay(
  prometheusUrl: string,
  query: CostQuery,
  fetchImpl: typeof fetch = fetch,
): Promise<Record<string, number>> {
  const hours: Record<string, number> = {};
  for (let day = query.from; day <= query.to; day = nextDay(day)) {
    const end = Date.parse(`${nextDay(day)}T00:00:00Z`) / 1000;
    const promql = `avg_over_time(sum(jupyterhub_running_servers{environment="${query.environment}"})[1d:5m]) * 24`;
    const url = `${prometheusUrl.replace(/\/$/, '')}/api/v1/query?query=${encodeURIComponent(promql)}&time=${end}`;
    const response = await fetchImpl(url);
    if (!response.ok)
      throw new Error(`Prometheus at ${prometheusUrl} answered ${response.status} to ${promql}`);
    const body = (await response.json()) as { data?: { result?: { value?: [number, string] }[] } };
    const value = body.data?.result?.[0]?.value?.[1];
    hours[day] = value === undefined ? 0 : Number(value);
  }
  return hours;
}
