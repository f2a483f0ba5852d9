import { DefaultTokenResolver, StringConcat, TerraformStack, Tokenization } from 'cdktf';
import { Construct } from 'constructs';
import { PlatformFacts, PoolFacts, checkPlatformWiring } from '../../config/platform-checks';
import { efsNodePluginSizing } from '../../config/hub-checks';
import { ConfigError } from '../../config/load';
import { Environment } from '../../config/schema';
import { TerminationQueue, drainTimings } from '../autoscaling/termination-queue';
import { USER_PLACEHOLDER_PRIORITY } from '../node-scheduling';
import { SharedFileSystem } from '../storage/shared-file-system';
import { ClusterAutoscaler } from './cluster-autoscaler';
import { EfsCsiDriver } from './efs-csi-driver';
import { NodeTerminationHandler } from './node-termination-handler';
import { NvidiaDevicePlugin } from './nvidia-device-plugin';
import { SharedVolumes } from './shared-volumes';

/** A node pool as the cluster stack reports it: the wiring facts, with subnets instead of AZs. */
export type AddOnPool = Omit<PoolFacts, 'zones'> & { readonly subnetIds: readonly string[] };

export interface HubAddOnsProps {
  readonly env: Environment;
  /** The cluster name the add-ons are configured with: the name the platform stack reaches the cluster by. */
  readonly clusterName: string;
  /** The name the cluster stack gave the EKS cluster; the wiring checks hold the add-ons' values to it. */
  readonly eksClusterName: string;
  readonly pools: readonly AddOnPool[];
  /** The cluster's private subnets, one per AZ, in AZ order. */
  readonly privateSubnetIds: readonly string[];
  readonly storage: SharedFileSystem;
  readonly terminationQueue: TerminationQueue;
  readonly autoscalerRoleArn: string;
}

/**
 * The cluster add-ons of one hub: cluster-autoscaler, the node termination handler, the
 * EFS CSI driver with the shared volumes and storage classes, and (with GPU pools) the
 * NVIDIA device plugin. Before anything is synthesized it checks that the layers agree:
 * every selector and toleration matches a pool, the autoscaler discovers this cluster and
 * sees the placeholders, and every user and GPU AZ has an EFS mount target.
 */
export class HubAddOns extends Construct {
  readonly autoscaler: ClusterAutoscaler;
  readonly terminationHandler: NodeTerminationHandler;
  readonly efsCsiDriver: EfsCsiDriver;
  /** The hub namespace, claims and storage classes; the JupyterHub release depends on them. */
  readonly volumes: SharedVolumes;
  readonly devicePlugin?: NvidiaDevicePlugin;
  /** What the cross-layer checks compared. */
  readonly wiring: PlatformFacts;

  constructor(scope: Construct, id: string, props: HubAddOnsProps) {
    super(scope, id);
    const { env } = props;
    const platform = env.platform;

    this.autoscaler = new ClusterAutoscaler(this, 'cluster-autoscaler', {
      envName: env.name,
      clusterName: props.clusterName,
      region: env.region,
      kubernetesVersion: env.cluster.kubernetesVersion,
      roleArn: props.autoscalerRoleArn,
      pools: props.pools,
      ...platform.autoscaler,
    });
    this.terminationHandler = new NodeTerminationHandler(this, 'node-termination-handler', {
      envName: env.name,
      clusterName: props.clusterName,
      region: env.region,
      queueUrl: props.terminationQueue.queue.url,
      roleArn: props.terminationQueue.handlerRole.arn,
      timings: drainTimings(platform.terminationHandler.drainGracePeriodSeconds),
      webhookSecretName: platform.terminationHandler.webhookSecretName,
    });
    this.efsCsiDriver = new EfsCsiDriver(this, 'efs-csi-driver', {
      envName: env.name,
      roleArn: props.storage.csiControllerRole.arn,
      serversPerNode: efsNodePluginSizing(env).serversPerNode,
      accessPointTags: props.storage.csiAccessPointTags,
    });
    this.volumes = new SharedVolumes(this, 'shared-volumes', {
      fileSystemId: props.storage.fileSystem.id,
      accessPointIds: Object.fromEntries(
        Object.entries(props.storage.accessPoints).map(([claim, ap]) => [claim, ap.id]),
      ),
      dependsOn: [this.efsCsiDriver.release.release],
    });
    if (props.pools.some((p) => p.kind === 'gpu')) {
      this.devicePlugin = new NvidiaDevicePlugin(this, 'nvidia-device-plugin', {
        envName: env.name,
        timeSlicingReplicas: platform.gpu.timeSlicingReplicas,
      });
    }

    this.wiring = this.facts(props);
    const issues = checkPlatformWiring(this.wiring);
    if (issues.length > 0) {
      throw new ConfigError(issues.map((i) => `${env.name}.${i.path.join('.')}: ${i.message}`));
    }
  }

  /** What the cross-layer checks compare, read from the constructs just built. */
  private facts(props: HubAddOnsProps): PlatformFacts {
    // AZ names are unknown until apply; a private subnet stands for its AZ. Each read of a
    // subnet's id is a new token, so compare the references they resolve to.
    const clusterStack = TerraformStack.of(props.storage);
    const resolver = new DefaultTokenResolver(new StringConcat());
    const reference = (subnetId: string) =>
      String(Tokenization.resolve(subnetId, { scope: clusterStack, preparing: false, resolver }));
    const subnets = props.privateSubnetIds.map(reference);
    const zoneOf = (subnetId: string) => {
      const index = subnets.indexOf(reference(subnetId));
      return index < 0 ? `subnet ${subnetId}` : `AZ ${index}`;
    };
    const mountTargetSubnets = props.storage.mountTargets.map((t) => t.subnetIdInput ?? '');
    return {
      clusterName: props.eksClusterName,
      pools: props.pools.map((p) => ({ ...p, zones: p.subnetIds.map(zoneOf) })),
      placements: [this.autoscaler, this.terminationHandler, this.efsCsiDriver, this.devicePlugin]
        .filter((c) => c !== undefined)
        .map((c) => c.placement),
      autoscaler: {
        clusterName: this.autoscaler.discoveredClusterName,
        expendablePriorityCutoff: this.autoscaler.expendablePriorityCutoff,
      },
      placeholderPriority: USER_PLACEHOLDER_PRIORITY,
      mountTargetZones: mountTargetSubnets.map(zoneOf),
    };
  }
}
