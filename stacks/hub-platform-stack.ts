import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { Environment } from '../config/schema';
import { HUB_NAMESPACE } from '../lib/hub-storage';
import { HubDnsRecord } from '../lib/jupyterhub/hub-dns-record';
import { JupyterHubRelease } from '../lib/jupyterhub/jupyterhub-release';
import { PROXY_PUBLIC_SERVICE } from '../lib/jupyterhub/names';
import { PlaceholderSchedule } from '../lib/jupyterhub/placeholder-schedule';
import { clusterName } from '../lib/naming';
import { ClusterConnection } from '../lib/platform/cluster-connection';
import { HubAddOns } from '../lib/platform/hub-add-ons';
import { useEnvironmentBackend } from '../lib/state/environment-backend';
import { cronAt } from '../lib/timetable';
import { HubClusterStack } from './hub-cluster-stack';

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

  constructor(scope: Construct, id: string, env: Environment, clusterStack: HubClusterStack) {
    super(scope, id);
    useEnvironmentBackend(this, env, 'hub-platform');
    new AwsProvider(this, 'aws', {
      region: env.region,
      defaultTags: [{ tags: { 'hub:environment': env.name, 'hub:managed-by': 'cdktf', ...env.tags } }],
    });
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
      dependsOn: [volumes.namespace, ...Object.values(volumes.claims), volumes.defaultStorageClass],
    });
    new HubDnsRecord(this, 'hub-dns', {
      zoneId: clusterStack.hubDomain.zone.zoneId,
      name: env.hub.domain.name,
      namespace: HUB_NAMESPACE,
      serviceName: PROXY_PUBLIC_SERVICE,
      dependsOn: [this.jupyterhub.release],
    });
    const schedule = env.hub.schedule;
    if (schedule) {
      // After the release, whose chart creates the StatefulSet the jobs scale.
      new PlaceholderSchedule(this, 'placeholder-schedule', {
        namespace: HUB_NAMESPACE,
        timeZone: schedule.timeZone,
        changes: schedule.placeholders.map((e) => ({ schedule: cronAt(e.at, e.days), replicas: e.count })),
        dependsOn: [this.jupyterhub.release],
      });
    }
  }
}
