/** What a hub platform stack must install, so that deleting a release cannot pass silently. */
import { NODE_PURPOSE_LABEL } from '../../../lib/node-scheduling';
import { CHARTS } from '../../../lib/platform/charts';
import { releasesOf } from '../helm';
import { StackView, TfResource } from '../stack-view';
import { SynthOutput } from '../synth-output';
import { Outcome, Rule } from '../types';
import { needsDevicePlugin, nodeGroups, nodeGroupsOf } from './node-groups';

/** Stack ids are API (lib/naming.ts): `hub-platform-<env>`. */
const HUB_PLATFORM_PREFIX = 'hub-platform-';

/** Charts every hub platform installs, whatever its pools. */
const ALWAYS = [
  CHARTS.jupyterhub,
  CHARTS.clusterAutoscaler,
  CHARTS.nodeTerminationHandler,
  CHARTS.efsCsiDriver,
];

/** A cluster that hosts JupyterHub users: some node group is labelled for user pods. */
function isHubCluster(stack: StackView): boolean {
  return nodeGroups(stack).some((g) => g.body.labels?.[NODE_PURPOSE_LABEL] === 'user');
}

/**
 * A hub platform stack: named so, or configuring Helm for a cluster with JupyterHub user
 * pools. The name alone catches a stack whose releases (or provider) were deleted; the
 * cluster catches one that was renamed. A monitoring platform is neither.
 */
function isHubPlatform(stack: StackView, synth: SynthOutput): boolean {
  if (stack.id.startsWith(HUB_PLATFORM_PREFIX)) return true;
  const cluster = synth.clusterOf(stack);
  return stack.json.provider?.helm !== undefined && !!cluster && isHubCluster(cluster.stack);
}

/** Node groups of `cluster` that need the NVIDIA device plugin. */
function needingDevicePlugin(stack: StackView, cluster: TfResource): TfResource[] {
  return nodeGroupsOf(stack, cluster).filter(needsDevicePlugin);
}

/** The release of `chart` as a passed subject, or its absence as a failed one. */
function required(stack: StackView, chart: string, why = ''): Outcome {
  const release = releasesOf(stack, chart)[0];
  return release
    ? { address: release.resource.address }
    : { address: `helm_release[chart=${chart}]`, failure: `no helm_release of chart ${chart}${why}` };
}

function* platformReleases(stack: StackView, synth: SynthOutput): Generator<Outcome> {
  for (const pin of ALWAYS) yield required(stack, pin.chart);
  const plugin = CHARTS.nvidiaDevicePlugin.chart;
  const cluster = synth.clusterOf(stack);
  if (!cluster) {
    yield {
      address: `helm_release[chart=${plugin}]`,
      failure: `the cluster this stack installs into is not in the synth output, so the guard cannot tell whether its pools need ${plugin}`,
    };
    return;
  }
  const gpuGroups = needingDevicePlugin(cluster.stack, cluster.resource);
  if (gpuGroups.length > 0) {
    const pools = gpuGroups.map((g) => g.address).join(', ');
    yield required(stack, plugin, `, but ${cluster.stack.id} has GPU pools ${pools}`);
  }
}

export const PLATFORM_RULES: Rule[] = [
  {
    id: 'platform.required-releases',
    severity: 'must',
    title: 'Every hub platform installs JupyterHub and its add-ons, and every hub cluster has a platform',
    rationale:
      'A platform without the hub, autoscaler, termination handler, EFS driver or (with GPU pools) device plugin applies cleanly and fails users later.',
    anchors: [
      'BRIEF: the product (cluster-autoscaler, aws-node-termination-handler, EFS, zero-to-jupyterhub)',
      'EKS Best Practices: aiml/aiml_compute (device plugin)',
    ],
    reference: 'RC-16',
    *check(stack, synth) {
      if (isHubPlatform(stack, synth)) yield* platformReleases(stack, synth);
      // A platform stack that is gone entirely has no releases to miss: check from the cluster side.
      if (isHubCluster(stack)) {
        const served = synth.stacks.some(
          (s) => isHubPlatform(s, synth) && synth.clusterOf(s)?.stack === stack,
        );
        for (const cluster of stack.resources('aws_eks_cluster')) {
          yield {
            address: cluster.address,
            ...(!served && { failure: 'no hub platform stack installs into this cluster' }),
          };
        }
      }
    },
  },
];
