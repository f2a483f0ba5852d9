/**
 * The S3 bucket that holds every non-development environment's Terraform state, and the
 * KMS key state is encrypted with. The `state-bootstrap` stack creates both (apply that
 * stack first, with its local state). Bucket names are global: set the account and a
 * bucket name your account owns.
 */
/** The AWS account of the state bucket and, in the shipped examples, of every environment. */
export const ACCOUNT_ID = '123456789012';
const REGION = 'us-west-2';

/** Alias of the state key; the backend addresses the key through it. */
export const STATE_KEY_ALIAS = 'hub/terraform-state';

export const STATE_BUCKET = {
  bucket: `jupyterhub-aws-tfstate-${ACCOUNT_ID}`,
  region: REGION,
  kmsKeyId: `arn:aws:kms:${REGION}:${ACCOUNT_ID}:alias/${STATE_KEY_ALIAS}`,
} as const;
