import { App } from 'cdktf';
import { ACCOUNT_ID, STATE_BUCKET } from '../config/state-bucket';
import { ConfigError } from '../config/load';
import { MonitoringConfig } from '../config/monitoring-schema';
import { Environment } from '../config/schema';
import { DEFAULT_RUNBOOK_URL } from '../lib/monitoring/rules';
import { MonitoringWiring, checkMonitoringWiring } from '../lib/monitoring/wiring-checks';
import { archiveStackId, costAllocationTagsStackId, monitoringStackId, stackId } from '../lib/naming';
import { HubClusterStack } from './hub-cluster-stack';
import { HubPlatformStack } from './hub-platform-stack';
import { CostAllocationTagsStack } from './cost-allocation-tags-stack';
import { EventArchiveStack } from './event-archive-stack';
import { MonitoringClusterStack } from './monitoring-cluster-stack';
import { MonitoringPlatformStack } from './monitoring-platform-stack';
import { StateBootstrapStack } from './state-bootstrap-stack';

export interface EnvironmentStacks {
  readonly cluster: HubClusterStack;
  readonly platform: HubPlatformStack;
  /** The event archive, which outlives the other two (`down` never destroys it). */
  readonly archive: EventArchiveStack;
}

export interface MonitoringStacks {
  readonly cluster: MonitoringClusterStack;
  readonly platform: MonitoringPlatformStack;
}

/** What the wiring checks read from the built stacks of one monitoring deployment. */
export function monitoringWiring(
  monitoring: MonitoringStacks,
  reporting: ReadonlyArray<{ env: Environment; stacks: EnvironmentStacks }>,
): MonitoringWiring {
  const config = monitoring.cluster.monitoring;
  return {
    name: config.name,
    vpcCidr: config.network.vpcCidr,
    servedUrl: monitoring.platform.receiverUrl,
    admittedCidrs: monitoring.platform.prometheus.admittedCidrs,
    hubs: reporting.map(({ env, stacks }) => ({
      environment: env.name,
      vpcCidr: env.network.vpcCidr,
      agentValues: stacks.platform.metricsAgent?.release.mergedValues,
      routes: stacks.cluster.monitoringPeering?.routeDestinations,
    })),
  };
}

/** Every configured environment and monitoring deployment, whichever a synth selects. */
export interface ConfiguredSet {
  readonly environments: readonly Environment[];
  readonly monitoring: readonly MonitoringConfig[];
}

/**
 * Adds the account-wide stacks, each monitoring deployment's cluster and platform stacks,
 * and for each environment its cluster and platform stacks (peered with and reporting to
 * the monitoring deployment that lists it). Then checks the wiring between monitoring and
 * the hubs; throws a {@link ConfigError} before anything is written. The account-wide
 * stacks serve the `configured` set, so a synth of some environments keeps what the others
 * need: the state bootstrap stack the state keys of all, and each account with an
 * environment its cost allocation tags stack. @default those of `environments` and `monitoring`
 */
export function buildStacks(
  app: App,
  environments: readonly Environment[],
  monitoring: readonly MonitoringConfig[] = [],
  configured: ConfiguredSet = { environments, monitoring },
): Map<string, EnvironmentStacks> {
  new StateBootstrapStack(app, 'state-bootstrap', {
    ...STATE_BUCKET,
    account: ACCOUNT_ID,
    environments: [
      ...configured.environments.filter((env) => env.state.backend === 's3').map((env) => env.name),
      ...configured.monitoring.filter((m) => m.state.backend === 's3').map((m) => `monitoring-${m.name}`),
    ],
  });
  // The hubs' resources carry the cost tags; a monitoring deployment is in its hubs' account.
  for (const account of new Set(configured.environments.map((env) => env.account))) {
    new CostAllocationTagsStack(app, costAllocationTagsStackId(account), {
      account,
      region: STATE_BUCKET.region,
    });
  }
  const monitoringStacks = monitoring.map((config) => {
    const reporting = environments.filter((env) => config.environments.includes(env.name));
    const cluster = new MonitoringClusterStack(app, monitoringStackId('cluster', config), config);
    const platform = new MonitoringPlatformStack(
      app,
      monitoringStackId('platform', config),
      config,
      cluster,
      reporting,
    );
    return { config, stacks: { cluster, platform } };
  });

  const stacks = new Map<string, EnvironmentStacks>();
  for (const env of environments) {
    const target = monitoringStacks.find((m) => m.config.environments.includes(env.name));
    const network = target?.stacks.cluster.network;
    const cluster = new HubClusterStack(
      app,
      stackId('cluster', env),
      env,
      target && network
        ? {
            name: target.config.name,
            vpcId: network.vpc.id,
            cidr: target.config.network.vpcCidr,
            routeTableIds: network.privateRouteTables.map((t) => t.id),
            alarms: {
              topicArn: target.stacks.cluster.alarmTopic.arn,
              efsIoLimitPercent: target.config.alarms.efsIoLimitPercent,
              runbookUrl: target.config.alertmanager.runbookUrl ?? DEFAULT_RUNBOOK_URL,
            },
          }
        : undefined,
    );
    const platform = new HubPlatformStack(
      app,
      stackId('platform', env),
      env,
      cluster,
      target
        ? {
            receiverUrl: target.stacks.platform.receiverUrl,
            credentialsPrefix: target.config.receiver.credentialsPrefix,
            credentialsVersion: target.config.receiver.credentialsVersion,
          }
        : undefined,
    );
    const archive = new EventArchiveStack(app, archiveStackId(env), env);
    stacks.set(env.name, { cluster, platform, archive });
  }

  const problems = monitoringStacks.flatMap(({ config, stacks: built }) =>
    checkMonitoringWiring(
      monitoringWiring(
        built,
        environments
          .filter((env) => config.environments.includes(env.name))
          .map((env) => ({ env, stacks: stacks.get(env.name)! })),
      ),
    ),
  );
  if (problems.length > 0) throw new ConfigError(problems);
  return stacks;
}
