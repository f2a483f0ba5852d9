import { ACCOUNT_ID } from '../../config/state-bucket';
import { resourcesOf, synthStacks } from '../support/synth';

describe('StateBootstrapStack', () => {
  const stack = synthStacks().get('state-bootstrap')!;
  const only = (type: string) => {
    const all = resourcesOf(stack, type);
    expect(all).toHaveLength(1);
    return all[0][1];
  };

  it("refuses credentials of any account but the state bucket's", () => {
    expect(stack.provider.aws[0].allowed_account_ids).toEqual([ACCOUNT_ID]);
  });

  it('keeps its own state locally, since the bucket cannot hold it', () => {
    expect(stack.terraform.backend).toEqual({
      local: { path: '../../../terraform.state-bootstrap.tfstate' },
    });
  });

  it('creates the configured bucket and protects it from destroy', () => {
    const bucket = only('aws_s3_bucket');
    expect(bucket.bucket).toBe('jupyterhub-aws-tfstate-123456789012');
    expect(bucket.lifecycle.prevent_destroy).toBe(true);
  });

  it('versions, KMS-encrypts and closes the bucket to the public', () => {
    expect(only('aws_s3_bucket_versioning').versioning_configuration.status).toBe('Enabled');
    const [rule] = only('aws_s3_bucket_server_side_encryption_configuration').rule;
    expect(rule.apply_server_side_encryption_by_default.sse_algorithm).toBe('aws:kms');
    expect(rule.apply_server_side_encryption_by_default.kms_master_key_id).toMatch(/aws_kms_key\./);
    expect(only('aws_s3_bucket_public_access_block')).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(only('aws_s3_bucket_ownership_controls').rule.object_ownership).toBe('BucketOwnerEnforced');
  });

  it('refuses every request that does not use TLS', () => {
    const [statement] = JSON.parse(only('aws_s3_bucket_policy').policy).Statement;
    expect(statement).toMatchObject({
      Effect: 'Deny',
      Action: 's3:*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
  });
});
