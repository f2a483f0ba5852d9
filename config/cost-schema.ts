/**
 * What an environment says about money: the tags its costs are allocated by, what the
 * cost planner assumes about its use, and an optional AWS Budgets budget with alerts.
 */
import { z } from 'zod';

const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/;
const TAG_VALUE = /^[\w .:/=+@-]{1,256}$/;

const budgetAlert = z.strictObject({
  /** Percent of the budget at which to alert. */
  percent: z.number().int().min(1).max(1000),
  /** `actual`: spend so far has reached it; `forecast`: AWS forecasts the month will. */
  type: z.enum(['actual', 'forecast']),
});

export const costSchema = z.strictObject({
  /** The `hub:project` tag on every resource. @default 'jupyterhub' */
  project: z.string().regex(TAG_VALUE).default('jupyterhub'),
  /** The `hub:event` tag on every resource, e.g. `icesat2-2026`. @default the environment's name */
  event: z.string().regex(TAG_VALUE).optional(),
  /** What `npm run cost` assumes when the command line does not say. */
  plan: z
    .strictObject({
      /** @default 30 (a month of a standing hub) */
      days: z.number().int().min(1).max(366).default(30),
      /** Hours a day when every user has a server. @default 8 */
      activeHoursPerDay: z.number().min(1).max(24).default(8),
      /** EFS storage per user (home directory and their share of the shared folder), GiB. @default 7.5 */
      efsGiBPerUser: z.number().min(0).max(10_000).default(7.5),
      /** Users on GPU servers during sessions. @default 0 */
      gpuUsers: z.number().int().min(0).max(1000).default(0),
    })
    .prefault({}),
  /** An AWS Budgets budget on the costs tagged with this environment. @default none */
  budget: z
    .strictObject({
      /** USD per calendar month. */
      monthlyUsd: z.number().positive().max(10_000_000),
      /** @default 80% actual and 100% forecast */
      alerts: z
        .array(budgetAlert)
        .min(1)
        .max(5)
        .default([
          { percent: 80, type: 'actual' },
          { percent: 100, type: 'forecast' },
        ]),
      notify: z
        .strictObject({
          emails: z.array(z.email()).max(10).default([]),
          snsTopicArn: z.string().regex(SNS_TOPIC_ARN, { error: 'must be an SNS topic ARN' }).optional(),
        })
        .refine((n) => n.emails.length > 0 || n.snsTopicArn, {
          error: 'names nobody: list emails or an snsTopicArn, or the alerts reach no one',
        }),
    })
    .optional(),
});

export type CostConfig = z.output<typeof costSchema>;
