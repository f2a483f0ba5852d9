import { environmentAwsProvider } from './aws-provider';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { ConfigError } from '../config/load';
import { checkApiReachable } from '../config/platform-checks';
import { Environment } from '../config/schema';
import { HUB_NAMESPACE } from '../lib/hub-storage';
import { LoadBalancerDnsRecord } from '../lib/network/load-balancer-dns-record';
import { JupyterHubRelease } from '../lib/jupyterhub/jupyterhub-release';
import { PROXY_PUBLIC_SERVICE } from '../lib/jupyterhub/names';
import { PlaceholderSchedule } from '../lib/jupyterhub/placeholder-schedule';
import { clusterName } from '../lib/naming';
import { ClusterConnection } from '../lib/platform/cluster-connection';
import { HubAddOns } from '../lib/platform/hub-add-ons';
import { useEnvironmentBackend } from '../lib/state/environment-backend';
import { cronAt } from '../lib/timetable';
import { HubClusterStack } from './hub-cluster-stack';
import { HUB_SECRET, METRICS_TOKEN_SECRET_KEY } from '../lib/jupyterhub/names';
import { AGENT_POD_LABELS, PROXY_METRICS_PORT } from '../lib/monitoring/agent-values';
import { MetricsAgent } from '../lib/monitoring/metrics-agent';
import { credentialsSecretName } from '../lib/monitoring/names';
import { CLUSTER_AUTOSCALER_SERVICE_ACCOUNT } from '../lib/platform/service-accounts';

/** Where a reporting hub sends its metrics. */
export interface MetricsDestination {
  /** The central receiver's URL. */
  readonly receiverUrl: string;
  /** Prefix of the credentials secrets in Secrets Manager. */
  readonly credentialsPrefix: string;
  /** Bump after changing the credentials: Terraform sends the password again only then. @default 1 */
  readonly credentialsVersion?: number;
}

/**
 * The Kubernetes half of one hub: add-ons, storage classes and the JupyterHub release,
 * installed through Helm and Kubernetes providers that reach the cluster by name. Kept
 * apart from the cluster stack so a first apply succeeds in one pass and a teardown
 * removes what Kubernetes created (load balancers, volumes) before the VPC goes.
 */
export class HubPlatformStack extends TerraformStack {
  readonly connection: ClusterConnection;
  /** Autoscaler, termination handler, EFS driver and volumes, GPU plugin. */
  readonly addOns: HubAddOns;
  /** The zero-to-jupyterhub release and the DNS name pointing at its load balancer. */
  readonly jupyterhub: JupyterHubRelease;
  /** The metrics agent, when the environment reports to monitoring. */
  readonly metricsAgent?: MetricsAgent;

  /**
   * @param metrics where the agent sends metrics (@default none: no agent, the environment reports nowhere)
   */
  constructor(
    scope: Construct,
    id: string,
    env: Environment,
    clusterStack: HubClusterStack,
    metrics?: MetricsDestination,
  ) {
    super(scope, id);
    // Before anything else: a platform nobody can reach would time out on the first apply.
    const unreachable = checkApiReachable({
      platformStack: id,
      publicEndpointCidrs: clusterStack.eks.publicEndpointCidrs,
      privateEndpointAdmits: clusterStack.apiAccess.admitted,
    });
    if (unreachable.length > 0) {
      throw new ConfigError(unreachable.map((i) => `${env.name}.${i.path.join('.')}: ${i.message}`));
    }
    useEnvironmentBackend(this, env, 'hub-platform');
    environmentAwsProvider(this, env);
    // The platform reaches its cluster by the name config gives it; the add-ons' wiring
    // checks compare that with the name the cluster stack really gave the cluster.
    const name = clusterName(env);
    this.connection = new ClusterConnection(this, 'cluster', { clusterName: name, region: env.region });
    this.addDependency(clusterStack);

    this.addOns = new HubAddOns(this, 'add-ons', {
      env,
      clusterName: name,
      eksClusterName: clusterStack.eks.name,
      pools: clusterStack.pools,
      privateSubnetIds: clusterStack.network.privateSubnets.map((s) => s.id),
      storage: clusterStack.sharedStorage,
      terminationQueue: clusterStack.terminationQueue,
      autoscalerRoleArn: clusterStack.autoscalerRole.arn,
    });

    const volumes = this.addOns.volumes;
    this.jupyterhub = new JupyterHubRelease(this, 'jupyterhub', {
      env,
      pools: clusterStack.pools,
      certificateArn: clusterStack.hubDomain.certificateArn,
      proxyMetrics: metrics ? { port: PROXY_METRICS_PORT, from: AGENT_POD_LABELS } : undefined,
      dependsOn: [volumes.namespace, ...Object.values(volumes.claims), volumes.defaultStorageClass],
    });
    new LoadBalancerDnsRecord(this, 'hub-dns', {
      zoneId: clusterStack.hubDomain.zone.zoneId,
      name: env.hub.domain.name,
      namespace: HUB_NAMESPACE,
      serviceName: PROXY_PUBLIC_SERVICE,
      dependsOn: [this.jupyterhub.release],
    });

    if (metrics) {
      const taints = clusterStack.pools.flatMap((p) => p.taints);
      const unique = [...new Map(taints.map((t) => [`${t.key}=${t.value}:${t.effect}`, t])).values()];
      this.metricsAgent = new MetricsAgent(this, 'metrics-agent', {
        envName: env.name,
        clusterName: name,
        hubNamespace: HUB_NAMESPACE,
        hubTokenSecret: { name: HUB_SECRET, key: METRICS_TOKEN_SECRET_KEY },
        receiverUrl: metrics.receiverUrl,
        credentialsSecretName: credentialsSecretName(metrics.credentialsPrefix, env.name),
        credentialsVersion: metrics.credentialsVersion,
        clusterAutoscaler: `cluster-autoscaler.${CLUSTER_AUTOSCALER_SERVICE_ACCOUNT.namespace}.svc:8085`,
        gpus: clusterStack.pools.some((p) => p.kind === 'gpu'),
        nodeTolerations: unique.map((t) => ({
          key: t.key,
          operator: 'Equal',
          value: t.value,
          effect: t.effect,
        })),
        dependsOn: [this.jupyterhub.release],
      });
    }

    // After the release, whose chart creates the StatefulSet the jobs scale. Every
    // environment has the scaler's account, role and script, for prewarm --until; the
    // CronJobs come with a timetable.
    const schedule = env.hub.schedule;
    new PlaceholderSchedule(this, 'placeholder-schedule', {
      namespace: HUB_NAMESPACE,
      timeZone: schedule?.timeZone ?? 'UTC',
      changes: (schedule?.placeholders ?? []).map((e) => ({
        schedule: cronAt(e.at, e.days),
        replicas: e.count,
      })),
      dependsOn: [this.jupyterhub.release],
    });
  }
}
