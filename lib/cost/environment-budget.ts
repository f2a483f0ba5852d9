import { BudgetsBudget } from '@cdktf/provider-aws/lib/budgets-budget';
import { Construct } from 'constructs';
import { COST_TAG_KEYS } from './cost-tags';

export interface BudgetAlert {
  readonly percent: number;
  /** `actual` spend so far, or AWS's `forecast` for the month. */
  readonly type: 'actual' | 'forecast';
}

export interface EnvironmentBudgetProps {
  /** The environment whose tagged costs the budget counts (the `hub:environment` tag). */
  readonly environment: string;
  readonly monthlyUsd: number;
  readonly alerts: readonly BudgetAlert[];
  /** @default [] */
  readonly emails?: readonly string[];
  /** @default none */
  readonly snsTopicArn?: string;
}

/**
 * A monthly AWS Budgets cost budget over everything tagged with one environment, alerting
 * at each threshold to e-mail addresses and/or an SNS topic. The tag must be an active
 * cost allocation tag (its account's `cost-allocation-tags` stack) for the budget to see any cost.
 */
export class EnvironmentBudget extends Construct {
  readonly budget: BudgetsBudget;

  constructor(scope: Construct, id: string, props: EnvironmentBudgetProps) {
    super(scope, id);
    const emails = props.emails ?? [];
    if (emails.length === 0 && !props.snsTopicArn) {
      throw new Error(`budget of ${props.environment}: alerts need emails or an snsTopicArn`);
    }
    this.budget = new BudgetsBudget(this, 'budget', {
      name: `hub-${props.environment}`,
      budgetType: 'COST',
      timeUnit: 'MONTHLY',
      limitAmount: props.monthlyUsd.toFixed(2),
      limitUnit: 'USD',
      costFilter: [
        { name: 'TagKeyValue', values: [`user:${COST_TAG_KEYS.environment}$${props.environment}`] },
      ],
      notification: props.alerts.map((alert) => ({
        comparisonOperator: 'GREATER_THAN',
        notificationType: alert.type === 'actual' ? 'ACTUAL' : 'FORECASTED',
        threshold: alert.percent,
        thresholdType: 'PERCENTAGE',
        subscriberEmailAddresses: emails.length ? [...emails] : undefined,
        subscriberSnsTopicArns: props.snsTopicArn ? [props.snsTopicArn] : undefined,
      })),
    });
  }
}
