import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { PolicyStatement, policyDocument } from '../iam/policy-document';

/** The cluster's OIDC identity provider, which IAM roles for service accounts trust. */
export interface OidcIssuer {
  readonly providerArn: string;
  /** Issuer URL without `https://`, as IAM condition keys spell it. */
  readonly issuerHost: string;
}

export interface ServiceAccountRoleProps {
  readonly issuer: OidcIssuer;
  readonly roleName: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** AWS managed or customer policies to attach. @default none */
  readonly managedPolicyArns?: readonly string[];
  /** Statements of an inline policy. @default none */
  readonly statements?: readonly PolicyStatement[];
}

/**
 * An IAM role that exactly one Kubernetes service account can assume (IRSA): the trust
 * policy pins both the subject `system:serviceaccount:<namespace>:<name>` and the audience.
 */
export class ServiceAccountRole extends Construct {
  readonly role: IamRole;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: ServiceAccountRoleProps) {
    super(scope, id);
    const { issuerHost, providerArn } = props.issuer;
    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      assumeRolePolicy: policyDocument({
        Effect: 'Allow',
        Principal: { Federated: providerArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${issuerHost}:sub`]: `system:serviceaccount:${props.namespace}:${props.serviceAccount}`,
            [`${issuerHost}:aud`]: 'sts.amazonaws.com',
          },
        },
      }),
    });
    this.arn = this.role.arn;
    (props.managedPolicyArns ?? []).forEach((policyArn, i) => {
      new IamRolePolicyAttachment(this, `managed-policy-${i}`, { role: this.role.name, policyArn });
    });
    if (props.statements?.length) {
      new IamRolePolicy(this, 'policy', {
        role: this.role.id,
        name: props.roleName,
        policy: policyDocument(...props.statements),
      });
    }
  }
}
