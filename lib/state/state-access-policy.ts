import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { Construct } from 'constructs';
import { policyDocument } from '../iam/policy-document';

export interface StateAccessPolicyProps {
  /** The environment whose state, under `<environment>/` in the bucket, the policy reaches. */
  readonly environment: string;
  readonly bucketArn: string;
  /** The environment's state key. */
  readonly keyArn: string;
}

/**
 * What a deployer of one environment needs of the state bucket and nothing more: list its
 * prefix, read and write its state and lock files, and use its key. Attach it to the role
 * that deploys that environment (its name is `hub-terraform-state-<environment>`).
 */
export class StateAccessPolicy extends Construct {
  readonly policy: IamPolicy;

  constructor(scope: Construct, id: string, props: StateAccessPolicyProps) {
    super(scope, id);
    const prefix = `${props.environment}/`;
    this.policy = new IamPolicy(this, 'policy', {
      name: `hub-terraform-state-${props.environment}`,
      description: `Terraform state of the ${props.environment} environment only`,
      policy: policyDocument(
        {
          Sid: 'ListOwnPrefix',
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: props.bucketArn,
          Condition: { StringLike: { 's3:prefix': `${prefix}*` } },
        },
        {
          Sid: 'ReadWriteOwnState',
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
          Resource: `${props.bucketArn}/${prefix}*`,
        },
        {
          Sid: 'UseOwnKey',
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
          Resource: props.keyArn,
        },
      ),
    });
  }
}
