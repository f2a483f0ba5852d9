import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Construct } from 'constructs';
import { MonitoringConfig } from '../config/monitoring-schema';
import { Environment } from '../config/schema';
import { MANAGED_BY_TAG, costTags } from '../lib/cost/cost-tags';

/** The default tags of an environment's stacks: its cost allocation tags, then its own `tags`. */
export function environmentTags(env: Environment): Record<string, string> {
  return {
    ...costTags({ project: env.cost.project, environment: env.name, event: env.cost.event }),
    ...env.tags,
  };
}

/** The default tags of a monitoring deployment's stacks: its name, the managed-by tag, then its own `tags`. */
export function monitoringTags(monitoring: MonitoringConfig): Record<string, string> {
  return { 'hub:monitoring': monitoring.name, ...MANAGED_BY_TAG, ...monitoring.tags };
}

/**
 * The AWS provider of an environment's stacks: its region and tags, and its account only, so
 * credentials of another account fail the plan instead of building there.
 */
export function environmentAwsProvider(stack: Construct, env: Environment): AwsProvider {
  return new AwsProvider(stack, 'aws', {
    region: env.region,
    allowedAccountIds: [env.account],
    defaultTags: [{ tags: environmentTags(env) }],
  });
}

/** The AWS provider of a monitoring deployment's stacks: its region, tags and account only. */
export function monitoringAwsProvider(stack: Construct, monitoring: MonitoringConfig): AwsProvider {
  return new AwsProvider(stack, 'aws', {
    region: monitoring.region,
    allowedAccountIds: [monitoring.account],
    defaultTags: [{ tags: monitoringTags(monitoring) }],
  });
}
