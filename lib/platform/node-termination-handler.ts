import { Construct } from 'constructs';
import { DrainTimings, TERMINATION_HANDLER_MANAGED_TAG } from '../autoscaling/termination-queue';
import { CHARTS } from './charts';
import { PinnedRelease } from './pinned-release';
import { Placement, corePlacementValues, placementOf } from './placement';
import { TERMINATION_HANDLER_SERVICE_ACCOUNT, serviceAccountValues } from './service-accounts';

/**
 * The Slack-compatible message posted when a node is drained: which node, why, and the
 * pods on it (JupyterHub names a user's server pod `jupyter-<user>`), so people learn why
 * their server stopped. A Go template over NTH's interruption event; `toJson` escapes it.
 */
export function webhookTemplate(clusterName: string): string {
  const text =
    `[${clusterName}] Node %s (%s, %s) is being drained (%s: %s). ` +
    'These pods stop now; notebook servers can be restarted from the hub: %s';
  return (
    `{"text":{{ printf "${text}" .NodeName .InstanceType .InstanceID .Kind .Description ` +
    '(join ", " .Pods) | toJson }}}'
  );
}

export interface NodeTerminationHandlerProps {
  readonly envName: string;
  readonly clusterName: string;
  readonly region: string;
  /** URL of the queue the EventBridge rules feed. */
  readonly queueUrl: string;
  /** IRSA role for kube-system/aws-node-termination-handler. */
  readonly roleArn: string;
  readonly timings: DrainTimings;
  /** Secret in kube-system with the webhook URL under `webhookurl`. @default no webhook */
  readonly webhookSecretName?: string;
}

/**
 * aws-node-termination-handler in queue mode: one Deployment on the core pool that reads
 * the termination queue, cordons and drains the node an event names (only instances
 * tagged as managed), records Kubernetes events, optionally posts to a webhook, and
 * completes the ASG lifecycle action once the drain is done.
 */
export class NodeTerminationHandler extends Construct {
  readonly release: PinnedRelease;
  readonly placement: Placement;

  constructor(scope: Construct, id: string, props: NodeTerminationHandlerProps) {
    super(scope, id);
    const sa = TERMINATION_HANDLER_SERVICE_ACCOUNT;
    const webhook = props.webhookSecretName
      ? { webhookURLSecretName: props.webhookSecretName, webhookTemplate: webhookTemplate(props.clusterName) }
      : {};
    this.release = new PinnedRelease(this, 'release', {
      chart: CHARTS.nodeTerminationHandler,
      releaseName: 'aws-node-termination-handler',
      namespace: sa.namespace,
      envName: props.envName,
      values: {
        image: { tag: CHARTS.nodeTerminationHandler.imageTags.handler },
        enableSqsTerminationDraining: true,
        queueURL: props.queueUrl,
        awsRegion: props.region,
        serviceAccount: serviceAccountValues(sa, props.roleArn),
        checkTagBeforeDraining: true,
        managedTag: TERMINATION_HANDLER_MANAGED_TAG,
        // The hackweek notes: nodes were replaced and nobody knew why.
        emitKubernetesEvents: true,
        ...webhook,
        podTerminationGracePeriod: props.timings.podGraceSeconds,
        nodeTerminationGracePeriod: props.timings.nodeGraceSeconds,
        ...corePlacementValues(),
      },
    });
    this.placement = placementOf('aws-node-termination-handler', this.release.mergedValues);
  }
}
