/**
 * Costs in the synthesized stacks: every AWS provider tags what it creates with the
 * project, environment and event; a configured budget filters on the environment's tag
 * and alerts as config says; the cost allocation tags are activated once per account
 * (test/stacks/cost-allocation-tags-stack.test.ts: one stack per account).
 */
import { ENVIRONMENTS } from '../../../config';
import { budgetWarnings, planEnvironment } from '../../../config/cost-plan';
import { ConfigError, parseEnvironment } from '../../../config/load';
import { EnvironmentInput } from '../../../config/schema';
import { configuredEnvironments, resourcesOf, synthStacks } from '../../support/synth';

const stacks = synthStacks();
const environments = configuredEnvironments();

describe('cost allocation tags', () => {
  it.each(environments.map((env) => [env.name, env] as const))(
    "%s: both stacks' AWS providers tag with project, environment and event",
    (name, env) => {
      for (const part of ['cluster', 'platform']) {
        const [provider] = stacks.get(`hub-${part}-${name}`)!.provider.aws;
        expect(provider.default_tags[0].tags).toMatchObject({
          'hub:project': env.cost.project,
          'hub:environment': name,
          'hub:event': env.cost.event ?? name,
        });
      }
    },
  );

  it("are activated once, in the account's cost-allocation-tags stack", () => {
    const tags = resourcesOf(stacks.get('cost-allocation-tags')!, 'aws_ce_cost_allocation_tag').map(
      ([, t]) => t,
    );
    expect(tags.map((t) => [t.tag_key, t.status]).sort()).toEqual([
      ['hub:environment', 'Active'],
      ['hub:event', 'Active'],
      ['hub:project', 'Active'],
    ]);
    for (const [id, stack] of stacks) {
      if (id !== 'cost-allocation-tags') expect(resourcesOf(stack, 'aws_ce_cost_allocation_tag')).toEqual([]);
    }
  });
});

describe('budgets', () => {
  const budgeted = environments.filter((env) => env.cost.budget);

  it('hackweek and prod declare one', () => {
    expect(budgeted.map((env) => env.name).sort()).toEqual(['hackweek', 'prod']);
  });

  it.each(budgeted.map((env) => [env.name, env] as const))(
    '%s: a monthly cost budget on its environment tag, alerting at the configured thresholds',
    (name, env) => {
      const budgets = resourcesOf(stacks.get(`hub-cluster-${name}`)!, 'aws_budgets_budget').map(([, b]) => b);
      expect(budgets).toHaveLength(1);
      const [budget] = budgets;
      expect(budget).toMatchObject({
        budget_type: 'COST',
        time_unit: 'MONTHLY',
        limit_unit: 'USD',
        limit_amount: env.cost.budget!.monthlyUsd.toFixed(2),
        cost_filter: [{ name: 'TagKeyValue', values: [`user:hub:environment$${name}`] }],
      });
      expect(
        budget.notification.map((n: Record<string, unknown>) => [
          n.notification_type,
          n.threshold,
          n.threshold_type,
        ]),
      ).toEqual(
        env.cost.budget!.alerts.map((a) => [
          a.type === 'actual' ? 'ACTUAL' : 'FORECASTED',
          a.percent,
          'PERCENTAGE',
        ]),
      );
      for (const n of budget.notification) {
        expect(n.subscriber_email_addresses).toEqual(env.cost.budget!.notify.emails);
      }
    },
  );

  it('environments without one get none', () => {
    for (const env of environments.filter((e) => !e.cost.budget)) {
      expect(resourcesOf(stacks.get(`hub-cluster-${env.name}`)!, 'aws_budgets_budget')).toEqual([]);
    }
  });
});

describe('budget checks', () => {
  const hackweek = ENVIRONMENTS.hackweek as EnvironmentInput;
  const withBudget = (monthlyUsd: number) =>
    parseEnvironment('hackweek', {
      ...structuredClone(hackweek),
      cost: { ...hackweek.cost, budget: { monthlyUsd, notify: { emails: ['a@b.org'] } } },
    });

  it('warn, naming the field, when the plan exceeds the budget', () => {
    const env = withBudget(100);
    const planned = planEnvironment(env).planned.total;
    expect(budgetWarnings([env])).toEqual([
      `hackweek.cost.budget.monthlyUsd: 100 is below the planned ${planned.toFixed(0)} USD a month (npm run cost -- --env hackweek shows the plan)`,
    ]);
  });

  it('stay quiet when the plan fits, and for the environments as configured', () => {
    const env = withBudget(10_000);
    expect(budgetWarnings([env])).toEqual([]);
    expect(budgetWarnings(environments)).toEqual([]);
  });

  it('reject a budget that alerts nobody', () => {
    const input = { ...structuredClone(hackweek), cost: { budget: { monthlyUsd: 500, notify: {} } } };
    expect(() => parseEnvironment('hackweek', input)).toThrow(ConfigError);
    try {
      parseEnvironment('hackweek', input);
    } catch (error) {
      expect((error as ConfigError).problems.join('\n')).toMatch(
        /hackweek\.cost\.budget\.notify: names nobody: list emails or an snsTopicArn/,
      );
    }
  });

  it('culling saves money in every environment that culls', () => {
    for (const env of environments) expect(planEnvironment(env).cullingSaves).toBeGreaterThan(0);
  });
});
