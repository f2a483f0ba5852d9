import { TerraformStack, Testing } from 'cdktf';
import { StateBucket } from '../../../lib/state/state-bucket';
import { StackJson } from '../../support/synth';

describe('StateBucket', () => {
  const stack = new TerraformStack(Testing.app(), 'probe');
  new StateBucket(stack, 'state', {
    bucketName: 'probe-bucket',
    kmsKeyArn: 'arn:aws:kms:us-west-2:123456789012:key/probe',
  });
  const resources = JSON.parse(Testing.synth(stack)).resource;

  it('encrypts with the key it is given, with bucket keys to cut KMS calls', () => {
    const [config] = Object.values(
      resources.aws_s3_bucket_server_side_encryption_configuration,
    ) as StackJson[];
    expect(config.rule[0]).toEqual({
      apply_server_side_encryption_by_default: {
        sse_algorithm: 'aws:kms',
        kms_master_key_id: 'arn:aws:kms:us-west-2:123456789012:key/probe',
      },
      bucket_key_enabled: true,
    });
  });

  it('denies insecure transport on the bucket and every object in it', () => {
    const [policy] = Object.values(resources.aws_s3_bucket_policy) as StackJson[];
    const [statement] = JSON.parse(policy.policy).Statement;
    expect(statement.Resource).toHaveLength(2);
    expect(statement.Resource[1]).toMatch(/\/\*$/);
  });

  it('refuses object writes that do not ask for KMS encryption', () => {
    const [policy] = Object.values(resources.aws_s3_bucket_policy) as StackJson[];
    const statement = JSON.parse(policy.policy).Statement.find(
      (s: StackJson) => s.Sid === 'DenyWritesWithoutKms',
    );
    expect(statement).toMatchObject({
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:PutObject',
      Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
    });
    expect(statement.Resource).toMatch(/\/\*$/);
  });

  it('expires state versions a year after they were replaced, never the current one', () => {
    const [lifecycle] = Object.values(resources.aws_s3_bucket_lifecycle_configuration) as StackJson[];
    expect(lifecycle.rule).toHaveLength(1);
    expect(lifecycle.rule[0].noncurrent_version_expiration).toEqual([{ noncurrent_days: 365 }]);
    expect(lifecycle.rule[0].expiration).toBeUndefined();
  });
});
