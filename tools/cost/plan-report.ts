/** The cost plan as text and as JSON. */
import { EventPlan } from '../../lib/cost/event-plan';

export interface PlanSummary {
  readonly environment: string;
  readonly users: number;
  readonly days: number;
  readonly activeHoursPerDay: number;
  readonly planned: EventPlan;
  readonly withoutCulling: EventPlan;
  readonly cullingSaves: number;
  readonly withoutNightMode: EventPlan;
  readonly nightModeSaves: number;
  readonly withNeither: EventPlan;
  readonly budgetMonthlyUsd?: number;
}

const usd = (amount: number) => `$${amount.toFixed(2)}`;
/** A unit price: cents are not enough for $0.045 an hour. */
const unitUsd = (amount: number) => `$${amount < 1 ? String(+amount.toFixed(4)) : amount.toFixed(2)}`;
const round = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

export function renderPlan(summary: PlanSummary): string {
  const { planned, withoutCulling } = summary;
  const rows = planned.lines.map(
    (l) =>
      `  ${l.item.padEnd(44)} ${round(l.quantity).padStart(9)} ${l.unit.padEnd(15)} x ${unitUsd(l.unitPrice).padStart(7)} = ${usd(l.cost).padStart(10)}`,
  );
  const hours = Object.entries(planned.nodeHours).map(([pool, h]) => `${pool} ${round(h)}`);
  return [
    `${summary.environment}: ${summary.users} users, ${summary.days} days, ${summary.activeHoursPerDay} h of sessions a day`,
    ...rows,
    `  ${'total'.padEnd(44)} ${''.padStart(9)} ${''.padEnd(15)}   ${''.padStart(7)}   ${usd(planned.total).padStart(10)}`,
    '',
    `node-hours by pool: ${hours.join(', ')} (${planned.peakUserNodes} user nodes during sessions)`,
    `per user-hour: ${usd(planned.perUserHour)} over ${planned.userHours} user-hours`,
    `without culling: ${usd(withoutCulling.total)}, ${usd(withoutCulling.perUserHour)} per user-hour; culling saves ${usd(summary.cullingSaves)}`,
    `without night mode: ${usd(summary.withoutNightMode.total)}; night mode saves ${usd(summary.nightModeSaves)}`,
    `with neither (idle servers run all night): ${usd(summary.withNeither.total)}, ${usd(summary.withNeither.perUserHour)} per user-hour; together they save ${usd(summary.withNeither.total - planned.total)}`,
    ...(summary.budgetMonthlyUsd !== undefined ? [`budget: ${usd(summary.budgetMonthlyUsd)} a month`] : []),
    `prices: ${planned.prices}; on-demand: spot or a Savings Plan would lower the EC2 lines. Data transfer is not included.`,
  ].join('\n');
}
