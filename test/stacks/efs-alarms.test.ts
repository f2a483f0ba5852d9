/**
 * EFS's I/O limit, which only CloudWatch knows: a CloudWatch alarm on PercentIOLimit per
 * reporting hub's file system, notifying the monitoring deployment's encrypted SNS topic,
 * which delivers to the e-mail addresses in the monitoring config.
 */
import { App, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { MONITORING } from '../../config';
import { AwsAccount } from '../../lib/aws-account';
import { AlarmTopic } from '../../lib/monitoring/alarm-topic';
import { EfsIoLimitAlarm } from '../../lib/monitoring/efs-io-limit-alarm';
import { StackJson, resourcesOf, synthStacks } from '../support/synth';

const stacks = synthStacks();
const monitoring = stacks.get('monitoring-cluster-central')!;
const only = (stack: StackJson, type: string) => resourcesOf(stack, type).map(([, body]) => body);
const reporting = MONITORING.central.environments;

describe('the EFS I/O limit alarm', () => {
  it.each(reporting)('watches the file system of %s, on PercentIOLimit above 90% for 15 minutes', (env) => {
    const hub = stacks.get(`hub-cluster-${env}`)!;
    const [[fsName]] = resourcesOf(hub, 'aws_efs_file_system');
    const [fs] = only(hub, 'aws_efs_file_system');
    expect(fs.performance_mode).toBe('generalPurpose');
    const alarms = only(hub, 'aws_cloudwatch_metric_alarm');
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({
      alarm_name: `hub-${env}-efs-io-limit`,
      namespace: 'AWS/EFS',
      metric_name: 'PercentIOLimit',
      dimensions: { FileSystemId: `\${aws_efs_file_system.${fsName}.id}` },
      statistic: 'Average',
      period: 60,
      evaluation_periods: 15,
      datapoints_to_alarm: 15,
      threshold: 90,
      comparison_operator: 'GreaterThanThreshold',
    });
    // The monitoring deployment's topic, when it fires and when it clears.
    for (const actions of [alarms[0].alarm_actions, alarms[0].ok_actions]) {
      expect(actions).toEqual([
        expect.stringMatching(
          /terraform_remote_state\.cross-stack-reference-input-monitoring-cluster-central\.outputs\.cross-stack-output-aws_sns_topic/,
        ),
      ]);
    }
    expect(alarms[0].alarm_description).toContain('docs/runbook.md#efs-io-limit');
  });

  it('is not made for an environment that reports nowhere', () => {
    expect(reporting).not.toContain('dev');
    expect(only(stacks.get('hub-cluster-dev')!, 'aws_cloudwatch_metric_alarm')).toEqual([]);
  });

  it('notifies a topic encrypted with its own key, which CloudWatch alarms of this account may use', () => {
    const [[topicName, topic]] = resourcesOf(monitoring, 'aws_sns_topic');
    expect(topic.name).toBe('monitoring-central-alarms');
    expect(topic.kms_master_key_id).toMatch(/^\$\{aws_kms_key\.[\w-]+\.arn\}$/);
    const keyName = /aws_kms_key\.([\w-]+)\.arn/.exec(topic.kms_master_key_id)![1];
    const [, key] = resourcesOf(monitoring, 'aws_kms_key').find(([name]) => name === keyName)!;
    expect(key.enable_key_rotation).toBe(true);
    const keyPolicy = JSON.parse(key.policy);
    const forCloudWatch = keyPolicy.Statement.find(
      (s: StackJson) => s.Principal?.Service === 'cloudwatch.amazonaws.com',
    );
    expect(forCloudWatch.Action).toEqual(expect.arrayContaining(['kms:GenerateDataKey*', 'kms:Decrypt']));
    expect(forCloudWatch.Condition.StringEquals['aws:SourceAccount']).toMatch(/aws_caller_identity/);

    const [policy] = only(monitoring, 'aws_sns_topic_policy');
    expect(policy.arn).toBe(`\${aws_sns_topic.${topicName}.arn}`);
    const publish = JSON.parse(policy.policy).Statement.find(
      (s: StackJson) => s.Principal?.Service === 'cloudwatch.amazonaws.com',
    );
    expect(publish).toMatchObject({ Effect: 'Allow', Action: 'sns:Publish' });
    expect(publish.Condition.ArnLike['aws:SourceArn']).toMatch(/:cloudwatch:.*:alarm:\*$/);
  });

  it('delivers to the e-mail addresses of the monitoring config', () => {
    const subscriptions = only(monitoring, 'aws_sns_topic_subscription');
    expect(subscriptions.map((s) => [s.protocol, s.endpoint])).toEqual(
      MONITORING.central.alarms.emails!.map((email) => ['email', email]),
    );
  });
});

describe('bad input', () => {
  const scope = () => {
    const stack = new TerraformStack(new App(), 'probe');
    new AwsProvider(stack, 'aws', { region: 'us-west-2' });
    return stack;
  };

  it('refuses a topic that reaches no one', () => {
    const stack = scope();
    expect(() => new AlarmTopic(stack, 't', { account: new AwsAccount(stack, 'a'), name: 'm' })).toThrow(
      'alarm topic of m: name e-mail addresses or a Slack channel, or alarms reach no one',
    );
  });

  it('refuses an alarm on a file system that reports no PercentIOLimit, or a threshold out of range', () => {
    const props = { name: 'hub-x', fileSystemId: 'fs-1', topicArn: 'arn:aws:sns:us-west-2:1:t' };
    expect(() => new EfsIoLimitAlarm(scope(), 'a', { ...props, performanceMode: 'maxIO' })).toThrow(
      "EFS I/O limit alarm of hub-x: performance mode 'maxIO' reports no PercentIOLimit; only generalPurpose does",
    );
    expect(
      () =>
        new EfsIoLimitAlarm(scope(), 'a', {
          ...props,
          performanceMode: 'generalPurpose',
          thresholdPercent: 100,
        }),
    ).toThrow('EFS I/O limit alarm of hub-x: threshold 100% must be above 0 and below 100');
  });
});
