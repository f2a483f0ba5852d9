import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { Construct } from 'constructs';

/** The account, partition and region a stack deploys into, read once per stack. */
export class AwsAccount extends Construct {
  readonly accountId: string;
  readonly partition: string;
  readonly region: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.accountId = new DataAwsCallerIdentity(this, 'caller').accountId;
    this.partition = new DataAwsPartition(this, 'partition').partition;
    this.region = new DataAwsRegion(this, 'region').region;
  }

  /** ARN of an AWS managed IAM policy. */
  managedPolicyArn(name: string): string {
    return `arn:${this.partition}:iam::aws:policy/${name}`;
  }

  /** The account root principal, which delegates key access to IAM policies. */
  get rootPrincipal(): string {
    return `arn:${this.partition}:iam::${this.accountId}:root`;
  }
}
