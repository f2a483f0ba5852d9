import { drainTimings, TERMINATION_HANDLER_MANAGED_TAG } from '../../../lib/autoscaling/termination-queue';
import { configuredEnvironments, resourcesOf, StackJson, synthStacks } from '../../support/synth';

const stacks = synthStacks();
const names = configuredEnvironments().map((env) => env.name);
const cluster = (name: string) => stacks.get(`hub-cluster-${name}`)!;

function roleNamed(stack: StackJson, roleName: string) {
  const [, role] = resourcesOf(stack, 'aws_iam_role').find(([, r]) => r.name === roleName)!;
  const [, policy] = resourcesOf(stack, 'aws_iam_role_policy').find(([, p]) => p.name === roleName)!;
  return { trust: JSON.parse(role.assume_role_policy), policy: JSON.parse(policy.policy) };
}

describe('TerminationQueue', () => {
  it.each(names)('%s: a termination lifecycle hook on every node group auto-scaling group', (name) => {
    const stack = cluster(name);
    const groups = resourcesOf(stack, 'aws_eks_node_group').map(([id]) => id);
    const hooks = resourcesOf(stack, 'aws_autoscaling_lifecycle_hook').map(([, h]) => h);
    expect(hooks).toHaveLength(groups.length);
    for (const id of groups) {
      const hook = hooks.find((h) => h.autoscaling_group_name.includes(`aws_eks_node_group.${id}.`));
      expect(hook).toMatchObject({
        lifecycle_transition: 'autoscaling:EC2_INSTANCE_TERMINATING',
        default_result: 'CONTINUE',
      });
    }
  });

  it('holds each instance longer than the drain the handler is given', () => {
    const timings = drainTimings(120);
    expect(timings.nodeGraceSeconds).toBeGreaterThan(timings.podGraceSeconds);
    expect(timings.hookHeartbeatSeconds).toBeGreaterThan(timings.nodeGraceSeconds);
    const [[, hook]] = resourcesOf(cluster('hackweek'), 'aws_autoscaling_lifecycle_hook');
    expect(hook.heartbeat_timeout).toBe(drainTimings(120).hookHeartbeatSeconds);
  });

  it('tags every instance as managed from launch, so the handler drains it', () => {
    for (const [, template] of resourcesOf(cluster('prod'), 'aws_launch_template')) {
      expect(template.tag_specifications[0].tags).toHaveProperty([TERMINATION_HANDLER_MANAGED_TAG]);
    }
  });

  it('feeds an encrypted queue from the five EventBridge rules, and only from them', () => {
    const stack = cluster('prod');
    const [[queueId, queue]] = resourcesOf(stack, 'aws_sqs_queue');
    expect(queue.sqs_managed_sse_enabled).toBe(true);
    const rules = resourcesOf(stack, 'aws_cloudwatch_event_rule').filter(([, r]) => r.name.includes('-nth-'));
    const patterns = rules.map(([, r]) => JSON.parse(r.event_pattern));
    expect(patterns.map((p) => p['detail-type'][0]).sort()).toEqual([
      'AWS Health Event',
      'EC2 Instance Rebalance Recommendation',
      'EC2 Instance State-change Notification',
      'EC2 Instance-terminate Lifecycle Action',
      'EC2 Spot Instance Interruption Warning',
    ]);
    // Lifecycle events only from this cluster's groups.
    const asgRule = patterns.find((p) => p.source[0] === 'aws.autoscaling')!;
    expect(asgRule.detail.AutoScalingGroupName).toHaveLength(resourcesOf(stack, 'aws_eks_node_group').length);
    const targets = resourcesOf(stack, 'aws_cloudwatch_event_target').map(([, t]) => t.arn);
    expect(targets).toHaveLength(5);
    targets.forEach((arn) => expect(arn).toBe(`\${aws_sqs_queue.${queueId}.arn}`));

    const [[, queuePolicy]] = resourcesOf(stack, 'aws_sqs_queue_policy');
    const statements = JSON.parse(queuePolicy.policy).Statement;
    const send = statements.find((s: StackJson) => s.Effect === 'Allow');
    expect(send.Principal).toEqual({ Service: 'events.amazonaws.com' });
    expect(send.Action).toBe('sqs:SendMessage');
    expect([...send.Condition.ArnEquals['aws:SourceArn']].sort()).toEqual(
      rules.map(([id]) => `\${aws_cloudwatch_event_rule.${id}.arn}`).sort(),
    );
  });

  it.each(names)(
    '%s: the handler role is bound to its service account and scoped to the queue and groups',
    (name) => {
      const stack = cluster(name);
      const { trust, policy } = roleNamed(stack, `hub-${name}-node-termination-handler`);
      const conditions = trust.Statement[0].Condition.StringEquals;
      const sub = Object.entries(conditions).find(([key]) => key.endsWith(':sub'))![1];
      expect(sub).toBe('system:serviceaccount:kube-system:aws-node-termination-handler');
      const [[queueId]] = resourcesOf(stack, 'aws_sqs_queue');
      const byAction = (action: string) =>
        policy.Statement.find((s: StackJson) => [s.Action].flat().includes(action));
      expect(byAction('sqs:ReceiveMessage').Resource).toBe(`\${aws_sqs_queue.${queueId}.arn}`);
      const complete = byAction('autoscaling:CompleteLifecycleAction');
      expect(complete.Resource).toHaveLength(resourcesOf(stack, 'aws_eks_node_group').length);
      for (const arn of complete.Resource) {
        expect(arn).toMatch(/:autoScalingGroup:\*:autoScalingGroupName\/\$\{aws_eks_node_group\./);
      }
      // Only calls without resource-level permissions use '*'.
      const wildcard = policy.Statement.filter((s: StackJson) => s.Resource === '*').flatMap(
        (s: StackJson) => s.Action,
      );
      expect(wildcard.sort()).toEqual([
        'autoscaling:DescribeAutoScalingInstances',
        'autoscaling:DescribeTags',
        'ec2:DescribeInstances',
      ]);
    },
  );
});
