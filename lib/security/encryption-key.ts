import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { AwsAccount } from '../aws-account';
import { PolicyStatement, policyDocument } from '../iam/policy-document';

export interface EncryptionKeyProps {
  readonly account: AwsAccount;
  /** Alias without the `alias/` prefix, e.g. `hub-prod/eks-secrets`. */
  readonly alias: string;
  readonly description: string;
  /** Extra key-policy statements, for services that encrypt with the key (CloudWatch Logs). @default none */
  readonly statements?: readonly PolicyStatement[];
  /** Days before a scheduled deletion completes. @default 30 */
  readonly deletionWindowInDays?: number;
  readonly tags?: Readonly<Record<string, string>>;
}

/** A customer-managed KMS key that rotates yearly, with a policy that names every principal. */
export class EncryptionKey extends Construct {
  readonly key: KmsKey;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    this.key = new KmsKey(this, 'key', {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowInDays ?? 30,
      policy: policyDocument(
        {
          Sid: 'AccountAdministers',
          Effect: 'Allow',
          Principal: { AWS: props.account.rootPrincipal },
          Action: 'kms:*',
          Resource: '*',
        },
        ...(props.statements ?? []),
      ),
      tags: { ...props.tags },
    });
    new KmsAlias(this, 'alias', { name: `alias/${props.alias}`, targetKeyId: this.key.keyId });
    this.arn = this.key.arn;
  }
}

/**
 * Key-policy statement letting CloudWatch Logs use the key for the named log groups only,
 * so no other log group in the account can be encrypted with it (or read through it).
 */
export function cloudWatchLogsKeyStatement(
  account: AwsAccount,
  logGroupNames: readonly string[],
): PolicyStatement {
  if (logGroupNames.length === 0) throw new Error('cloudWatchLogsKeyStatement: name at least one log group');
  const prefix = `arn:${account.partition}:logs:${account.region}:${account.accountId}:log-group:`;
  return {
    Sid: 'CloudWatchLogsEncrypts',
    Effect: 'Allow',
    Principal: { Service: `logs.${account.region}.amazonaws.com` },
    Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    Resource: '*',
    Condition: {
      ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': logGroupNames.map((name) => `${prefix}${name}`) },
    },
  };
}
