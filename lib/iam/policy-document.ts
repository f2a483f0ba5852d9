/**
 * IAM policy documents as plain JSON strings. Terraform references inside them (account
 * ids, ARNs) stay as `${...}` interpolations, so the synthesized JSON shows the whole
 * document and the policy guard can read it without evaluating HCL.
 */

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Principal?: Readonly<Record<string, string | readonly string[]>> | '*';
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export function policyDocument(...statements: readonly PolicyStatement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/**
 * Trust policy letting an AWS service assume a role. Services that pass the calling
 * account (VPC flow logs, for one) can be held to it with `sourceAccount`.
 */
export function serviceTrustPolicy(service: string, sourceAccount?: string): string {
  return policyDocument({
    Effect: 'Allow',
    Principal: { Service: service },
    Action: 'sts:AssumeRole',
    ...(sourceAccount ? { Condition: { StringEquals: { 'aws:SourceAccount': sourceAccount } } } : {}),
  });
}
