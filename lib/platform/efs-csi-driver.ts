import { Construct } from 'constructs';
import { EFS_NODE_SIDECAR, efsNodeSizing } from '../daemonsets';
import { CHARTS } from './charts';
import { PinnedRelease } from './pinned-release';
import { NODE_CRITICAL, Placement, corePlacementValues, guaranteed, placementOf } from './placement';
import { EFS_CSI_CONTROLLER_SERVICE_ACCOUNT, serviceAccountValues } from './service-accounts';

export interface EfsCsiDriverProps {
  readonly envName: string;
  /** IRSA role for kube-system/efs-csi-controller-sa. */
  readonly roleArn: string;
  /**
   * The most notebook servers one user or GPU node hosts (the capacity maths'); the node
   * plugin's memory and in-flight mount limit are sized for that many servers' mounts.
   */
  readonly serversPerNode: number;
  /**
   * Tags the controller puts on every access point it creates (`--tags`), besides the
   * driver's constant one; the role's create and delete permissions are conditioned on
   * them. @default none
   */
  readonly accessPointTags?: Readonly<Record<string, string>>;
}

/**
 * The EFS CSI driver as a pinned chart rather than the EKS add-on: the chart's version is
 * pinned here and its values are checked offline against the pinned chart data like the
 * other releases, and the node plugin's containers take their sizes from lib/daemonsets.ts
 * (sized for the servers per node), which the capacity maths subtracts. The controller
 * runs on the core pool.
 */
export class EfsCsiDriver extends Construct {
  readonly release: PinnedRelease;
  /** The controller Deployment's placement (the node DaemonSet tolerates every taint). */
  readonly placement: Placement;

  constructor(scope: Construct, id: string, props: EfsCsiDriverProps) {
    super(scope, id);
    const sa = EFS_CSI_CONTROLLER_SERVICE_ACCOUNT;
    const sized = (c: { cpuMillis: number; memoryMiB: number }) => guaranteed(c.cpuMillis, c.memoryMiB);
    const sizing = efsNodeSizing(props.serversPerNode);
    const plugin = sizing.plugin;
    const tags = CHARTS.efsCsiDriver.imageTags;
    this.release = new PinnedRelease(this, 'release', {
      chart: CHARTS.efsCsiDriver,
      releaseName: 'aws-efs-csi-driver',
      namespace: sa.namespace,
      envName: props.envName,
      values: {
        image: { tag: tags.driver },
        controller: {
          serviceAccount: serviceAccountValues(sa, props.roleArn),
          tags: { ...props.accessPointTags },
          ...corePlacementValues(),
        },
        node: {
          // Memory requested and limited; CPU requested only, so mounts' TLS is never throttled.
          resources: {
            requests: { cpu: `${plugin.cpuMillis}m`, memory: `${plugin.memoryMiB}Mi` },
            limits: { memory: `${plugin.memoryMiB}Mi` },
          },
          // A new node receives several servers at once: cap the mounts in flight, which
          // the memory above is sized for, instead of letting a burst OOM-kill the plugin.
          maxInflightMountCallsOptIn: true,
          maxInflightMountCalls: sizing.inflightMounts,
          priorityClassName: NODE_CRITICAL,
        },
        sidecars: {
          livenessProbe: {
            image: { tag: tags.livenessProbe },
            resources: sized(EFS_NODE_SIDECAR),
          },
          nodeDriverRegistrar: {
            image: { tag: tags.nodeDriverRegistrar },
            resources: sized(EFS_NODE_SIDECAR),
          },
          // Its sizes are in values/aws-efs-csi-driver/base.yaml: no other layer needs them.
          csiProvisioner: { image: { tag: tags.csiProvisioner } },
        },
      },
    });
    this.placement = placementOf('aws-efs-csi-driver', this.release.mergedValues, ['controller']);
  }
}
