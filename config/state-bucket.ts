/**
 * The S3 bucket that holds every non-development environment's Terraform state, and the
 * KMS key each environment's state is encrypted with. The `state-bootstrap` stack creates
 * the bucket, one key per environment and one IAM policy per environment that reads and
 * writes only that environment's state (apply that stack first, with its local state).
 * Bucket names are global: set the account and a bucket name your account owns.
 */
/** The AWS account of the state bucket and, in the shipped examples, of every environment. */
export const ACCOUNT_ID = '123456789012';
const REGION = 'us-west-2';

/** Alias of the key all environments shared before each got its own; older state versions use it. */
export const STATE_KEY_ALIAS = 'hub/terraform-state';

/** Alias of an environment's state key. */
export function stateKeyAlias(envName: string): string {
  return `${STATE_KEY_ALIAS}/${envName}`;
}

export const STATE_BUCKET = {
  bucket: `jupyterhub-aws-tfstate-${ACCOUNT_ID}`,
  region: REGION,
} as const;

/** An environment's S3 backend: the shared bucket, its own prefix (`<env>/`) and its own key. */
export function stateBackend(envName: string) {
  return {
    backend: 's3',
    ...STATE_BUCKET,
    kmsKeyId: `arn:aws:kms:${REGION}:${ACCOUNT_ID}:alias/${stateKeyAlias(envName)}`,
  } as const;
}
