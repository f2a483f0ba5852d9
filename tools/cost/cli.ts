/**
 * `npm run cost -- --env NAME [--users N] [--days D] [--hours H] [--prices FILE] [--json]`
 * plans what an event costs from the environment's config;
 * `npm run cost -- report --env NAME --from DATE --to DATE [--prometheus URL] [--json]`
 * reports what it really cost from Cost Explorer (AWS credentials from the usual chain;
 * AWS_ENDPOINT_URL points the client elsewhere, as the tests do).
 * Exit 0 on success, 1 when AWS or Prometheus fails, 2 on bad usage or configuration.
 */
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { parseArgs } from 'util';
import { ENVIRONMENTS } from '../../config';
import { planEnvironment } from '../../config/cost-plan';
import { ConfigError, loadEnvironments } from '../../config/load';
import { Environment } from '../../config/schema';
import { PriceTable, readPriceFile } from '../../lib/cost/prices';
import { checkPeriod, dailyCosts, userHoursPerDay } from './actual-cost';
import { PlanSummary, renderPlan } from './plan-report';

const USAGE =
  'usage: npm run cost -- --env NAME [--users N] [--days D] [--hours H] [--prices FILE] [--json]\n' +
  '       npm run cost -- report --env NAME --from YYYY-MM-DD --to YYYY-MM-DD [--prometheus URL] [--json]';

class UsageError extends Error {}

function wholeNumber(flag: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max || (flag !== '--hours' && !Number.isInteger(n))) {
    throw new UsageError(`${flag}: ${JSON.stringify(raw)} is not a number from ${min} to ${max}`);
  }
  return n;
}

function environment(name: string | undefined): Environment {
  if (!name) throw new UsageError('--env is required');
  const envs = loadEnvironments(ENVIRONMENTS);
  const env = envs.find((e) => e.name === name);
  if (!env)
    throw new UsageError(`--env: unknown environment ${name}; known: ${envs.map((e) => e.name).join(', ')}`);
  return env;
}

export function planSummary(
  env: Environment,
  values: { readonly users?: string; readonly days?: string; readonly hours?: string },
  prices?: PriceTable,
): PlanSummary {
  const overrides = {
    users: wholeNumber('--users', values.users, 1, 10_000),
    days: wholeNumber('--days', values.days, 1, 366),
    activeHoursPerDay: wholeNumber('--hours', values.hours, 1, 24),
  };
  const { planned, withoutCulling, cullingSaves, withoutNightMode, nightModeSaves, withNeither } =
    planEnvironment(env, overrides, prices);
  return {
    environment: env.name,
    users: overrides.users ?? env.hub.peakUsers,
    days: overrides.days ?? env.cost.plan.days,
    activeHoursPerDay: overrides.activeHoursPerDay ?? env.cost.plan.activeHoursPerDay,
    planned,
    withoutCulling,
    cullingSaves,
    withoutNightMode,
    nightModeSaves,
    withNeither,
    budgetMonthlyUsd: env.cost.budget?.monthlyUsd,
  };
}

async function report(
  env: Environment,
  values: { readonly from?: string; readonly to?: string; readonly prometheus?: string },
  json: boolean,
) {
  const from = values.from ?? '';
  const to = values.to ?? '';
  const problems = checkPeriod(from, to);
  if (problems.length) throw new UsageError(problems.join('; '));
  const client = new CostExplorerClient({ region: 'us-east-1' });
  const days = await dailyCosts(client, { environment: env.name, from, to });
  const hours = values.prometheus
    ? await userHoursPerDay(values.prometheus, { environment: env.name, from, to })
    : undefined;
  const total = days.reduce((sum, d) => sum + d.total, 0);
  const userHours = hours && Object.values(hours).reduce((sum, h) => sum + h, 0);
  const plan = planSummary(env, { days: String(days.length) });
  const result = {
    environment: env.name,
    from,
    to,
    days: days.map((d) => (hours ? { ...d, userHours: hours[d.day] ?? 0 } : d)),
    total,
    userHours,
    perUserHour: userHours ? total / userHours : undefined,
    plannedTotal: plan.planned.total,
    plannedPerUserHour: plan.planned.perUserHour,
  };
  if (json) return console.log(JSON.stringify(result, null, 2));
  console.log(
    `${env.name}: actual cost from ${from} to ${to} (Cost Explorer, tag ${'hub:environment'}=${env.name})`,
  );
  for (const day of days) {
    const services = Object.entries(day.byService)
      .sort(([, a], [, b]) => b - a)
      .map(([service, amount]) => `${service} $${amount.toFixed(2)}`)
      .join(', ');
    const used = hours ? `, ${(hours[day.day] ?? 0).toFixed(1)} user-hours` : '';
    console.log(
      `  ${day.day}  $${day.total.toFixed(2)}${day.estimated ? ' (estimated)' : ''}${used}  ${services}`,
    );
  }
  console.log(
    `total: $${total.toFixed(2)}; the plan for ${days.length} days: $${plan.planned.total.toFixed(2)}`,
  );
  if (result.perUserHour !== undefined)
    console.log(
      `per user-hour: $${result.perUserHour.toFixed(2)} over ${userHours?.toFixed(1)} user-hours (plan: $${plan.planned.perUserHour.toFixed(2)})`,
    );
}

async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        env: { type: 'string' },
        users: { type: 'string' },
        days: { type: 'string' },
        hours: { type: 'string' },
        prices: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        prometheus: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    if (positionals.length > 1 || (positionals[0] && positionals[0] !== 'report')) {
      throw new UsageError(
        `unknown command ${positionals.join(' ')}; the commands are the plan (no command) and report`,
      );
    }
    const env = environment(values.env);
    if (positionals[0] === 'report') {
      await report(env, values, json);
      return 0;
    }
    const prices = values.prices ? readPriceFile(values.prices) : undefined;
    const summary = planSummary(env, values, prices);
    console.log(json ? JSON.stringify(summary, null, 2) : renderPlan(summary));
    return 0;
  } catch (error) {
    const message = error instanceof ConfigError ? error.message : (error as Error).message;
    const usage =
      error instanceof UsageError ||
      error instanceof ConfigError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(`cost: ${message}${error instanceof UsageError ? `\n${USAGE}` : ''}`);
    if (json) console.log(JSON.stringify({ error: message }));
    return usage || /price|no pinned prices/.test(message) ? 2 : 1;
  }
}

main(process.argv.slice(2)).then((code) => (process.exitCode = code));
