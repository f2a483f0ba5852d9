import { STATE_KEY_ALIAS, stateKeyAlias } from '../config/state-bucket';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsAccount } from '../lib/aws-account';
import { MANAGED_BY_TAG } from '../lib/cost/cost-tags';
import { EncryptionKey } from '../lib/security/encryption-key';
import { localStatePath } from '../lib/state/environment-backend';
import { StateAccessPolicy } from '../lib/state/state-access-policy';
import { EnvironmentStateKey, StateBucket } from '../lib/state/state-bucket';

export interface StateBootstrapProps {
  readonly bucket: string;
  readonly region: string;
  /** The environments that keep their state in the bucket, each under `<env>/` with its own key. */
  readonly environments: readonly string[];
  /** The account the bucket belongs to; credentials of any other fail the plan. */
  readonly account: string;
}

/**
 * Creates the S3 bucket every other stack keeps its state in, a KMS key per environment and
 * an IAM policy per environment that reaches only that environment's state, so whoever
 * deploys staging cannot read prod's state (nor the secrets in it). Its own state is
 * local, since the bucket cannot hold the state of the stack that creates it; apply it
 * once per account, first.
 */
export class StateBootstrapStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: StateBootstrapProps) {
    super(scope, id);
    new LocalBackend(this, { path: localStatePath('state-bootstrap') });
    new AwsProvider(this, 'aws', {
      region: props.region,
      allowedAccountIds: [props.account],
      defaultTags: [{ tags: { ...MANAGED_BY_TAG } }],
    });
    const account = new AwsAccount(this, 'account');
    // The key all environments shared before each had its own: older state versions are
    // encrypted with it. Schedule its deletion once those versions have expired (a year).
    const legacyKey = new EncryptionKey(this, 'state-key', {
      account,
      alias: STATE_KEY_ALIAS,
      description: 'Terraform state of the JupyterHub environments (before per-environment keys)',
    });
    const environmentKeys: EnvironmentStateKey[] = props.environments.map((env) => {
      const key = new EncryptionKey(this, `state-key-${env}`, {
        account,
        alias: stateKeyAlias(env),
        description: `Terraform state of the ${env} environment`,
      });
      return {
        environment: env,
        keyArn: key.arn,
        aliasArn: `arn:${account.partition}:kms:${account.region}:${account.accountId}:alias/${stateKeyAlias(env)}`,
      };
    });
    const state = new StateBucket(this, 'state', {
      bucketName: props.bucket,
      kmsKeyArn: legacyKey.arn,
      environmentKeys,
    });
    for (const key of environmentKeys) {
      const policy = new StateAccessPolicy(this, `state-access-${key.environment}`, {
        environment: key.environment,
        bucketArn: state.bucket.arn,
        keyArn: key.keyArn,
      });
      new TerraformOutput(this, `state_access_policy_${key.environment}`, {
        value: policy.policy.arn,
        description: `Attach to the role that deploys ${key.environment}: it reaches only that environment's state.`,
      });
    }
    new TerraformOutput(this, 'state_bucket', { value: state.bucket.bucket });
  }
}
