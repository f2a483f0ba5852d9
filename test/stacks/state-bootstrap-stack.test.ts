import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ENVIRONMENTS, MONITORING } from '../../config';
import { ACCOUNT_ID } from '../../config/state-bucket';
import { synthesize } from '../../stacks/synthesize';
import { StackJson, resourcesOf, synthStacks } from '../support/synth';

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

  it('keeps a key and an access policy per environment that reach only its own state', () => {
    const keys = Object.fromEntries(
      resourcesOf(stack, 'aws_kms_alias').map(([, a]) => [a.name, a.target_key_id]),
    );
    for (const env of ['staging', 'prod', 'hackweek']) {
      expect(keys[`alias/hub/terraform-state/${env}`]).toMatch(/aws_kms_key\./);
      const [, policy] = resourcesOf(stack, 'aws_iam_policy').find(
        ([, p]) => p.name === `hub-terraform-state-${env}`,
      )!;
      const statements = JSON.parse(policy.policy).Statement;
      const objects = statements.find((s: { Sid: string }) => s.Sid === 'ReadWriteOwnState');
      expect(objects.Resource).toMatch(new RegExp(`/${env}/\\*$`));
      const list = statements.find((s: { Sid: string }) => s.Sid === 'ListOwnPrefix');
      expect(list.Condition.StringLike['s3:prefix']).toBe(`${env}/*`);
      const kms = statements.find((s: { Sid: string }) => s.Sid === 'UseOwnKey');
      expect(kms.Resource).toBe(
        `\${aws_kms_key.${keys[`alias/hub/terraform-state/${env}`].match(/aws_kms_key\.([^.]+)\./)[1]}.arn}`,
      );
      // No statement reaches beyond the environment's prefix and key.
      expect(JSON.stringify(statements)).not.toMatch(/"Resource":"\*"/);
    }
  });

  it("refuses writes of an environment's state under any key but its own", () => {
    const statements = JSON.parse(only('aws_s3_bucket_policy').policy).Statement;
    for (const env of ['staging', 'prod', 'hackweek']) {
      const deny = statements.find((s: { Resource: string; Action: string }) =>
        String(s.Resource).endsWith(`/${env}/*`),
      );
      expect(deny).toMatchObject({ Effect: 'Deny', Action: 's3:PutObject' });
      expect(deny.Condition.StringNotEquals['s3:x-amz-server-side-encryption-aws-kms-key-id']).toEqual([
        expect.stringMatching(/^\$\{aws_kms_key\./),
        expect.stringMatching(new RegExp(`:alias/hub/terraform-state/${env}$`)),
      ]);
    }
  });

  it('refuses every request that does not use TLS', () => {
    const [statement] = JSON.parse(only('aws_s3_bucket_policy').policy).Statement;
    expect(statement).toMatchObject({
      Effect: 'Deny',
      Action: 's3:*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
  });

  it('keeps every configured state key when a synth selects one environment, as HUB_ENVIRONMENTS does', () => {
    // dev reports to no monitoring deployment, so its synth builds none of central's stacks.
    const outdir = join(mkdtempSync(join(tmpdir(), 'hub-state-bootstrap-')), 'out');
    try {
      synthesize({ environments: ENVIRONMENTS, monitoring: MONITORING, outdir, only: ['dev'] });
      const partial: StackJson = JSON.parse(
        readFileSync(join(outdir, 'stacks', 'state-bootstrap', 'cdk.tf.json'), 'utf8'),
      );
      const aliases = (json: StackJson) => resourcesOf(json, 'aws_kms_alias').map(([, a]) => a.name);
      expect(aliases(partial)).toContain('alias/hub/terraform-state/monitoring-central');
      expect(partial).toEqual(stack);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
