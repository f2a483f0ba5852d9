import { App } from 'cdktf';
import { ACCOUNT_ID, STATE_BUCKET } from '../config/state-bucket';
import { Environment } from '../config/schema';
import { stackId } from '../lib/naming';
import { HubClusterStack } from './hub-cluster-stack';
import { HubPlatformStack } from './hub-platform-stack';
import { StateBootstrapStack } from './state-bootstrap-stack';

export interface EnvironmentStacks {
  readonly cluster: HubClusterStack;
  readonly platform: HubPlatformStack;
}

/** Adds the state bootstrap stack and, for each environment, its cluster and platform stacks. */
export function buildStacks(app: App, environments: readonly Environment[]): Map<string, EnvironmentStacks> {
  new StateBootstrapStack(app, 'state-bootstrap', { ...STATE_BUCKET, account: ACCOUNT_ID });
  const stacks = new Map<string, EnvironmentStacks>();
  for (const env of environments) {
    const cluster = new HubClusterStack(app, stackId('cluster', env), env);
    const platform = new HubPlatformStack(app, stackId('platform', env), env, cluster);
    stacks.set(env.name, { cluster, platform });
  }
  return stacks;
}
