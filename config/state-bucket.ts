/**
 * The S3 bucket that holds every non-development environment's Terraform state. The
 * `state-bootstrap` stack creates it (apply that stack first, with its local state).
 * Bucket names are global: change this to a name your account owns.
 */
export const STATE_BUCKET = {
  bucket: 'jupyterhub-aws-tfstate-123456789012',
  region: 'us-west-2',
} as const;
