import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { Construct } from 'constructs';
import { policyDocument } from '../iam/policy-document';
import { keptBucket } from './kept-bucket';

export interface ArchiveBucketProps {
  readonly bucketName: string;
  /** The key every object is encrypted with; writes asking for another encryption are refused. */
  readonly kmsKeyArn: string;
  /** The S3 storage class objects move to. */
  readonly coldStorageClass: 'GLACIER_IR' | 'GLACIER' | 'DEEP_ARCHIVE';
  /** Days after upload at which objects move to `coldStorageClass`. */
  readonly coldAfterDays: number;
  /** Days after upload at which objects are deleted; must be after `coldAfterDays`. */
  readonly expireAfterDays: number;
  /** Days a replaced or deleted object's old version is kept. @default 30 */
  readonly noncurrentVersionDays?: number;
}

/**
 * Where an event's home directories, shared folder and usage report go before its
 * cluster is destroyed: a bucket that outlives the environment (Terraform refuses to
 * destroy it), KMS-encrypted (writes that ask for anything else are refused), versioned,
 * closed to the public, owner-enforced, reachable only over TLS, with its objects moved
 * to a cold storage class and then deleted on the schedule given.
 */
export class ArchiveBucket extends Construct {
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: ArchiveBucketProps) {
    super(scope, id);
    const noncurrentVersionDays = props.noncurrentVersionDays ?? 30;
    if (!(props.expireAfterDays > props.coldAfterDays))
      throw new Error(
        `ArchiveBucket ${props.bucketName}: expireAfterDays ${props.expireAfterDays} must be after coldAfterDays ${props.coldAfterDays}`,
      );
    this.bucket = keptBucket(this, props.bucketName, props.kmsKeyArn);
    const bucket = this.bucket.id;
    new S3BucketOwnershipControls(this, 'ownership', {
      bucket,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket,
      rule: [
        {
          id: 'cold-then-expire',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          transition: [{ days: props.coldAfterDays, storageClass: props.coldStorageClass }],
          expiration: [{ days: props.expireAfterDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: noncurrentVersionDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
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
          // Home directories hold people's work: a writer that asks for anything but KMS is
          // refused. IfExists: the parts of a multipart upload carry no encryption header
          // (their upload asked for it when it began), and without one the default applies.
          Sid: 'DenyWritesWithoutKms',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:PutObject',
          Resource: `${this.bucket.arn}/*`,
          Condition: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
        },
      ),
    });
  }
}
