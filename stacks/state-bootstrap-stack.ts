import { STATE_KEY_ALIAS } from '../config/state-bucket';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsAccount } from '../lib/aws-account';
import { EncryptionKey } from '../lib/security/encryption-key';
import { localStatePath } from '../lib/state/environment-backend';
import { StateBucket } from '../lib/state/state-bucket';

export interface StateBootstrapProps {
  readonly bucket: string;
  readonly region: string;
  /** The account the bucket belongs to; credentials of any other fail the plan. */
  readonly account: string;
}

/**
 * Creates the S3 bucket every other stack keeps its state in. Its own state is local,
 * since the bucket cannot hold the state of the stack that creates it; apply it once per
 * account, first.
 */
export class StateBootstrapStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: StateBootstrapProps) {
    super(scope, id);
    new LocalBackend(this, { path: localStatePath('state-bootstrap') });
    new AwsProvider(this, 'aws', {
      region: props.region,
      allowedAccountIds: [props.account],
      defaultTags: [{ tags: { 'hub:managed-by': 'cdktf' } }],
    });
    const account = new AwsAccount(this, 'account');
    const key = new EncryptionKey(this, 'state-key', {
      account,
      alias: STATE_KEY_ALIAS,
      description: 'Terraform state of the JupyterHub environments',
    });
    const state = new StateBucket(this, 'state', { bucketName: props.bucket, kmsKeyArn: key.arn });
    new TerraformOutput(this, 'state_bucket', { value: state.bucket.bucket });
  }
}
