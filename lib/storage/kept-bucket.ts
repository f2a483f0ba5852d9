import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';

/**
 * The part every bucket we keep shares (the state bucket, the event archive): Terraform
 * refuses to destroy it, it is versioned, KMS-encrypted with a bucket key, and closed to
 * the public. Created in `scope` with the ids `bucket`, `versioning`, `encryption` and
 * `public-access-block`, so the callers' Terraform addresses stay what they were.
 */
export function keptBucket(scope: Construct, bucketName: string, kmsKeyArn: string): S3Bucket {
  const s3Bucket = new S3Bucket(scope, 'bucket', { bucket: bucketName, lifecycle: { preventDestroy: true } });
  const bucket = s3Bucket.id;
  new S3BucketVersioningA(scope, 'versioning', { bucket, versioningConfiguration: { status: 'Enabled' } });
  new S3BucketServerSideEncryptionConfigurationA(scope, 'encryption', {
    bucket,
    rule: [
      {
        applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: kmsKeyArn },
        bucketKeyEnabled: true,
      },
    ],
  });
  new S3BucketPublicAccessBlock(scope, 'public-access-block', {
    bucket,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  return s3Bucket;
}
