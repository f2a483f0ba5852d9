import { ChatbotSlackChannelConfiguration } from '@cdktf/provider-aws/lib/chatbot-slack-channel-configuration';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Construct } from 'constructs';
import { AwsAccount } from '../aws-account';
import { policyDocument, serviceTrustPolicy } from '../iam/policy-document';
import { EncryptionKey } from '../security/encryption-key';

/** A Slack channel reached through AWS Chatbot (the workspace authorised in its console once). */
export interface SlackChannel {
  /** The Slack workspace (team) id, e.g. T0123ABCD. */
  readonly workspaceId: string;
  /** The channel id, e.g. C0123ABCD. */
  readonly channelId: string;
}

export interface AlarmTopicProps {
  readonly account: AwsAccount;
  /** Prefix of resource names, e.g. `monitoring-central`. */
  readonly name: string;
  /** Addresses subscribed by e-mail (each confirms once). @default none */
  readonly emails?: readonly string[];
  /** A Slack channel that AWS Chatbot posts the alarms to. @default none */
  readonly slack?: SlackChannel;
}

/**
 * The SNS topic CloudWatch alarms notify, for what Prometheus cannot see (CloudWatch-only
 * metrics such as EFS's PercentIOLimit): encrypted with a customer-managed key that
 * CloudWatch may use, published to only by this account's CloudWatch alarms, delivered to
 * e-mail addresses and/or a Slack channel through AWS Chatbot.
 */
export class AlarmTopic extends Construct {
  readonly topic: SnsTopic;
  readonly arn: string;
  readonly key: EncryptionKey;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const emails = props.emails ?? [];
    if (emails.length === 0 && !props.slack) {
      throw new Error(
        `alarm topic of ${props.name}: name e-mail addresses or a Slack channel, or alarms reach no one`,
      );
    }
    const { account } = props;
    const alarmArns = `arn:${account.partition}:cloudwatch:${account.region}:${account.accountId}:alarm:*`;
    const fromOwnAlarms = {
      StringEquals: { 'aws:SourceAccount': account.accountId },
      ArnLike: { 'aws:SourceArn': alarmArns },
    };
    this.key = new EncryptionKey(this, 'key', {
      account,
      alias: `${props.name}/alarms`,
      description: `${props.name}: CloudWatch alarm notifications (SNS)`,
      statements: [
        {
          // CloudWatch publishes to an encrypted topic only if it may use the topic's key.
          Sid: 'CloudWatchAlarmsPublish',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
          Resource: '*',
          Condition: fromOwnAlarms,
        },
      ],
    });
    this.topic = new SnsTopic(this, 'topic', {
      name: `${props.name}-alarms`,
      displayName: `${props.name} alarms`,
      kmsMasterKeyId: this.key.arn,
    });
    this.arn = this.topic.arn;
    new SnsTopicPolicy(this, 'policy', {
      arn: this.topic.arn,
      policy: policyDocument(
        {
          Sid: 'AccountManages',
          Effect: 'Allow',
          Principal: { AWS: account.rootPrincipal },
          Action: [
            'sns:GetTopicAttributes',
            'sns:SetTopicAttributes',
            'sns:AddPermission',
            'sns:RemovePermission',
            'sns:DeleteTopic',
            'sns:Subscribe',
            'sns:ListSubscriptionsByTopic',
            'sns:Publish',
          ],
          Resource: this.topic.arn,
        },
        {
          Sid: 'CloudWatchAlarmsPublish',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: this.topic.arn,
          Condition: fromOwnAlarms,
        },
      ),
    });
    emails.forEach((email, i) => {
      new SnsTopicSubscription(this, `email-${i}`, {
        topicArn: this.topic.arn,
        protocol: 'email',
        endpoint: email,
      });
    });
    if (props.slack) {
      // The channel's role carries no permissions: Chatbot only posts, nobody runs commands from Slack.
      const role = new IamRole(this, 'chatbot-role', {
        name: `${props.name}-alarms-chatbot`,
        assumeRolePolicy: serviceTrustPolicy('chatbot.amazonaws.com', account.accountId),
      });
      new ChatbotSlackChannelConfiguration(this, 'slack', {
        configurationName: `${props.name}-alarms`,
        iamRoleArn: role.arn,
        guardrailPolicyArns: [account.managedPolicyArn('ReadOnlyAccess')],
        slackTeamId: props.slack.workspaceId,
        slackChannelId: props.slack.channelId,
        snsTopicArns: [this.topic.arn],
        loggingLevel: 'ERROR',
      });
    }
  }
}
