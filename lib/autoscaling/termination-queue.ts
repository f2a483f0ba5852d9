import { AutoscalingLifecycleHook } from '@cdktf/provider-aws/lib/autoscaling-lifecycle-hook';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { Construct } from 'constructs';
import { AwsAccount } from '../aws-account';
import { OidcIssuer, ServiceAccountRole } from '../cluster/service-account-role';
import { policyDocument } from '../iam/policy-document';
import { TERMINATION_HANDLER_SERVICE_ACCOUNT } from '../platform/service-accounts';

/** Instances carrying this tag are the only ones the handler drains (its `managedTag`). */
export const TERMINATION_HANDLER_MANAGED_TAG = 'aws-node-termination-handler/managed';

/** How long each stage of a node replacement may take, derived from the pods' grace period. */
export interface DrainTimings {
  /** Seconds each pod gets to stop. */
  readonly podGraceSeconds: number;
  /** Seconds the handler gives the whole drain of a node. */
  readonly nodeGraceSeconds: number;
  /** Seconds the lifecycle hook holds the instance before termination continues anyway. */
  readonly hookHeartbeatSeconds: number;
}

/** The drain fits in the node's grace, and the node's grace fits in the lifecycle hook. */
export function drainTimings(podGraceSeconds: number): DrainTimings {
  const nodeGraceSeconds = podGraceSeconds + 60;
  return { podGraceSeconds, nodeGraceSeconds, hookHeartbeatSeconds: nodeGraceSeconds + 120 };
}

/** EventBridge rules that feed the queue: name suffix and event pattern. */
function eventPatterns(autoScalingGroupNames: readonly string[]): Record<string, object> {
  return {
    'asg-termination': {
      source: ['aws.autoscaling'],
      'detail-type': ['EC2 Instance-terminate Lifecycle Action'],
      detail: { AutoScalingGroupName: [...autoScalingGroupNames] },
    },
    'spot-interruption': { source: ['aws.ec2'], 'detail-type': ['EC2 Spot Instance Interruption Warning'] },
    rebalance: { source: ['aws.ec2'], 'detail-type': ['EC2 Instance Rebalance Recommendation'] },
    'state-change': { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'] },
    'scheduled-change': {
      source: ['aws.health'],
      'detail-type': ['AWS Health Event'],
      detail: { service: ['EC2'], eventTypeCategory: ['scheduledChange'] },
    },
  };
}

export interface TerminationQueueProps {
  readonly account: AwsAccount;
  /** Prefix of resource names, e.g. `hub-prod`. */
  readonly name: string;
  /** Auto-scaling groups of every node pool: each gets a termination lifecycle hook. */
  readonly autoScalingGroupNames: readonly string[];
  readonly issuer: OidcIssuer;
  readonly timings: DrainTimings;
}

/**
 * The AWS side of aws-node-termination-handler in queue mode: an encrypted SQS queue fed
 * by EventBridge rules (ASG termination, spot interruption, rebalance recommendation,
 * instance state change, scheduled maintenance), a termination lifecycle hook on every
 * node group's ASG so an instance waits for its drain, and the handler's IAM role,
 * limited to this queue and these groups.
 */
export class TerminationQueue extends Construct {
  readonly queue: SqsQueue;
  readonly rules: CloudwatchEventRule[] = [];
  readonly hooks: AutoscalingLifecycleHook[] = [];
  readonly handlerRole: ServiceAccountRole;

  constructor(scope: Construct, id: string, props: TerminationQueueProps) {
    super(scope, id);
    this.queue = new SqsQueue(this, 'queue', {
      name: `${props.name}-node-termination`,
      // SQS-managed encryption: EventBridge can send without a KMS key-policy grant.
      sqsManagedSseEnabled: true,
      // A termination notice older than five minutes describes a node that is already gone.
      messageRetentionSeconds: 300,
    });

    for (const [suffix, pattern] of Object.entries(eventPatterns(props.autoScalingGroupNames))) {
      const rule = new CloudwatchEventRule(this, `rule-${suffix}`, {
        name: `${props.name}-nth-${suffix}`,
        description: `${props.name}: ${suffix} events for the node termination handler`,
        eventPattern: JSON.stringify(pattern),
      });
      new CloudwatchEventTarget(this, `rule-${suffix}-target`, {
        rule: rule.name,
        targetId: 'node-termination-queue',
        arn: this.queue.arn,
      });
      this.rules.push(rule);
    }

    new SqsQueuePolicy(this, 'queue-policy', {
      queueUrl: this.queue.url,
      policy: policyDocument(
        {
          Sid: 'EventBridgeRulesSend',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: this.queue.arn,
          Condition: { ArnEquals: { 'aws:SourceArn': this.rules.map((r) => r.arn) } },
        },
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 'sqs:*',
          Resource: this.queue.arn,
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ),
    });

    props.autoScalingGroupNames.forEach((groupName, i) => {
      this.hooks.push(
        new AutoscalingLifecycleHook(this, `hook-${i}`, {
          name: 'node-termination-handler',
          autoscalingGroupName: groupName,
          lifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
          // If the handler is down, termination still goes ahead after the heartbeat.
          defaultResult: 'CONTINUE',
          heartbeatTimeout: props.timings.hookHeartbeatSeconds,
        }),
      );
    });

    const { partition, region, accountId } = props.account;
    const sa = TERMINATION_HANDLER_SERVICE_ACCOUNT;
    this.handlerRole = new ServiceAccountRole(this, 'handler-role', {
      issuer: props.issuer,
      roleName: `${props.name}-node-termination-handler`,
      namespace: sa.namespace,
      serviceAccount: sa.name,
      statements: [
        {
          Sid: 'ConsumeQueue',
          Effect: 'Allow',
          Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage'],
          Resource: this.queue.arn,
        },
        {
          Sid: 'CompleteLifecycleActions',
          Effect: 'Allow',
          Action: 'autoscaling:CompleteLifecycleAction',
          Resource: props.autoScalingGroupNames.map(
            (groupName) =>
              `arn:${partition}:autoscaling:${region}:${accountId}:autoScalingGroup:*:autoScalingGroupName/${groupName}`,
          ),
        },
        {
          // These calls take no resource ARN.
          Sid: 'DescribeInstances',
          Effect: 'Allow',
          Action: [
            'autoscaling:DescribeAutoScalingInstances',
            'autoscaling:DescribeTags',
            'ec2:DescribeInstances',
          ],
          Resource: '*',
        },
      ],
    });
  }
}
