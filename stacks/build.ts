import { App } from 'cdktf';
import { ACCOUNT_ID, STATE_BUCKET } from '../config/state-bucket';
import { Environment } from '../config/schema';
import { stackId } from '../lib/naming';
import { HubClusterStack } from './hub-cluster-stack';
import { HubPlatformStack } from './hub-platform-stack';
import { CostAllocationTagsStack } from './cost-allocation-tags-stack';
import { StateBootstrapStack } from './state-bootstrap-stack';

export interface EnvironmentStacks {
  readonly cluster: HubClusterStack;
  readonly platform: HubPlatformStack;
}

/**
 * Adds the state bootstrap stack and, for each environment, its cluster and platform stacks.
 * `stateEnvironments` are the environments whose state keys the bootstrap stack keeps (all
 * configured ones, even when only some are synthesized). @default those of `environments`
 */
export function buildStacks(
  app: App,
  environments: readonly Environment[],
  stateEnvironments: readonly Environment[] = environments,
): Map<string, EnvironmentStacks> {
  new StateBootstrapStack(app, 'state-bootstrap', {
    ...STATE_BUCKET,
    account: ACCOUNT_ID,
    environments: stateEnvironments.filter((env) => env.state.backend === 's3').map((env) => env.name),
  });
  new CostAllocationTagsStack(app, 'cost-allocation-tags', { region: STATE_BUCKET.region });
  const stacks = new Map<string, EnvironmentStacks>();
  for (const env of environments) {
    const cluster = new HubClusterStack(app, stackId('cluster', env), env);
    const platform = new HubPlatformStack(app, stackId('platform', env), env, cluster);
    stacks.set(env.name, { cluster, platform });
  }
  return stacks;
}
