import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { Construct } from 'constructs';
import { policyDocument } from '../iam/policy-document';
import { keptBucket } from '../storage/kept-bucket';

/** An environment's state key, by ARN and by the alias ARN its backend names it with. */
export interface EnvironmentStateKey {
  readonly environment: string;
  readonly keyArn: string;
  readonly aliasArn: string;
}

export interface StateBucketProps {
  readonly bucketName: string;
  /** The bucket's default encryption key. */
  readonly kmsKeyArn: string;
  /**
   * Per environment, the only key its state (`<environment>/...`) may be written with.
   * @default none
   */
  readonly environmentKeys?: readonly EnvironmentStateKey[];
}

/**
 * The bucket that holds Terraform state: versioned (a bad apply can be rolled back),
 * KMS-encrypted (writes that ask for anything else are refused), closed to the public,
 * owner-enforced, and reachable only over TLS. Each environment's state can be written only
 * with that environment's key, so reading it needs that key.
 * Old state versions are kept for a year, then expire.
 */
export class StateBucket extends Construct {
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: StateBucketProps) {
    super(scope, id);
    this.bucket = keptBucket(this, props.bucketName, props.kmsKeyArn);
    const bucket = this.bucket.id;
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket,
      rule: [
        {
          id: 'expire-old-state-versions',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          noncurrentVersionExpiration: [{ noncurrentDays: 365 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
    new S3BucketOwnershipControls(this, 'ownership', {
      bucket,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    new S3BucketPolicy(this, 'tls-only', {
      bucket,
      policy: policyDocument(
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [this.bucket.arn, `${this.bucket.arn}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
        {
          // State holds secrets in plain text: a writer that asks for anything but KMS is refused.
          Sid: 'DenyWritesWithoutKms',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:PutObject',
          Resource: `${this.bucket.arn}/*`,
          Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
        },
        ...(props.environmentKeys ?? []).map((key) => ({
          Sid: `DenyWritesWithoutKeyOf${key.environment.replace(/[^A-Za-z0-9]/g, '')}`,
          Effect: 'Deny' as const,
          Principal: '*' as const,
          Action: 's3:PutObject',
          Resource: `${this.bucket.arn}/${key.environment}/*`,
          // The backend sends the alias ARN; a client may send the key ARN.
          Condition: {
            StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': [key.keyArn, key.aliasArn] },
          },
        })),
      ),
    });
  }
}
