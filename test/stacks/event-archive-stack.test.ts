/**
 * The event archive stack, on the synthesized Terraform JSON: one per environment, a
 * bucket that Terraform refuses to destroy, KMS-encrypted with its own key, closed to the
 * public, TLS only, versioned, and with the lifecycle the environment's config gives; and
 * the export Job's role in the cluster stack, which can only write the event's folder.
 */
import { parseEnvironment } from '../../config/load';
import { EnvironmentInput } from '../../config/schema';
import { ENVIRONMENTS } from '../../config';
import { configuredEnvironments, resourceAt, resourcesOf, synthStacks, StackJson } from '../support/synth';

const stacks = synthStacks();
const environments = configuredEnvironments();

function only(stack: StackJson, type: string): StackJson {
  const all = resourcesOf(stack, type);
  expect(all).toHaveLength(1);
  return all[0][1];
}

describe('EventArchiveStack', () => {
  it.each(environments.map((env) => env.name))('%s: a bucket that outlives the environment', (name) => {
    const stack = stacks.get(`hub-archive-${name}`)!;
    expect(Object.keys(stack.provider)).toEqual(['aws']);
    expect(stack.provider.aws[0].default_tags[0].tags['hub:environment']).toBe(name);
    const bucket = only(stack, 'aws_s3_bucket');
    expect(bucket.bucket).toBe(`hub-${name}-archive-123456789012`);
    expect(bucket.lifecycle).toEqual({ prevent_destroy: true });
    const ref = (type: string) => only(stack, type).bucket;
    const bucketId = '${aws_s3_bucket.archive_bucket_B42367AB.id}';
    expect(ref('aws_s3_bucket_versioning').toString()).toBe(bucketId);
    expect(only(stack, 'aws_s3_bucket_versioning').versioning_configuration.status).toBe('Enabled');
    const sse = only(stack, 'aws_s3_bucket_server_side_encryption_configuration');
    expect(sse.bucket).toBe(bucketId);
    const [[keyId, key]] = resourcesOf(stack, 'aws_kms_key');
    expect(key.enable_key_rotation).toBe(true);
    expect(sse.rule[0].apply_server_side_encryption_by_default).toEqual({
      sse_algorithm: 'aws:kms',
      kms_master_key_id: `\${aws_kms_key.${keyId}.arn}`,
    });
    expect(only(stack, 'aws_kms_alias').name).toBe(`alias/hub-${name}/archive`);
    const block = only(stack, 'aws_s3_bucket_public_access_block');
    expect(block.bucket).toBe(bucketId);
    for (const field of [
      'block_public_acls',
      'block_public_policy',
      'ignore_public_acls',
      'restrict_public_buckets',
    ])
      expect(block[field]).toBe(true);
    const policy = JSON.parse(only(stack, 'aws_s3_bucket_policy').policy);
    expect(policy.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    expect(policy.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:PutObject',
        Condition: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
      }),
    );
    // The defaults: Glacier Instant Retrieval after 30 days, deleted after a year.
    const [rule] = only(stack, 'aws_s3_bucket_lifecycle_configuration').rule;
    expect(rule.status).toBe('Enabled');
    expect(rule.transition).toEqual([{ days: 30, storage_class: 'GLACIER_IR' }]);
    expect(rule.expiration).toEqual([{ days: 365 }]);
  });

  it('takes the lifecycle from the environment config', () => {
    const input = structuredClone(ENVIRONMENTS.staging) as EnvironmentInput;
    input.name = 'lab';
    input.network.vpcCidr = '10.77.0.0/16';
    input.cost = { ...input.cost, event: 'summer-school-2027' };
    input.archive = { coldStorageClass: 'DEEP_ARCHIVE', coldAfterDays: 7, expireAfterDays: 400 };
    const lab = synthStacks([parseEnvironment('lab', input)]);
    const stack = lab.get('hub-archive-lab')!;
    const [rule] = only(stack, 'aws_s3_bucket_lifecycle_configuration').rule;
    expect(rule.transition).toEqual([{ days: 7, storage_class: 'DEEP_ARCHIVE' }]);
    expect(rule.expiration).toEqual([{ days: 400 }]);
    const role = resourceAt(lab.get('hub-cluster-lab')!, 'aws_iam_role_policy', 'archive-export-role/policy');
    expect(JSON.parse(role.policy).Statement[0].Resource).toMatch(
      /^arn:\$\{data\.aws_partition\.[\w]+\.partition\}:s3:::hub-lab-archive-123456789012\/summer-school-2027\/\*$/,
    );
  });

  it.each(environments.map((env) => env.name))(
    "%s: the export Job's role writes only the event's folder, with only the archive key",
    (name) => {
      const cluster = stacks.get(`hub-cluster-${name}`)!;
      const role = resourceAt(cluster, 'aws_iam_role', 'archive-export-role/role');
      expect(role.name).toBe(`hub-${name}-archive-export`);
      const trust = JSON.parse(role.assume_role_policy).Statement[0];
      expect(Object.values(trust.Condition.StringEquals)).toContain(
        'system:serviceaccount:jupyterhub:archive-export',
      );
      const [write, encrypt] = JSON.parse(
        resourceAt(cluster, 'aws_iam_role_policy', 'archive-export-role/policy').policy,
      ).Statement;
      expect(write.Action).toEqual(['s3:PutObject', 's3:AbortMultipartUpload']);
      const event = environments.find((e) => e.name === name)!.cost.event ?? name;
      expect(write.Resource).toMatch(new RegExp(`:s3:::hub-${name}-archive-123456789012/${event}/\\*$`));
      expect(encrypt.Action).toEqual(['kms:GenerateDataKey', 'kms:Decrypt']);
      expect(encrypt.Condition['ForAnyValue:StringEquals']).toEqual({
        'kms:ResourceAliases': `alias/hub-${name}/archive`,
      });
    },
  );
});
