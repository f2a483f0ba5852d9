import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { AwsAccount } from '../aws-account';
import { serviceTrustPolicy } from '../iam/policy-document';

/**
 * The instance role shared by the hub's node groups. It carries only what the kubelet
 * needs to join and pull images; add-ons (the VPC CNI included) get their own roles.
 */
export class NodeRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: { account: AwsAccount; name: string }) {
    super(scope, id);
    this.role = new IamRole(this, 'role', {
      name: `${props.name}-node`,
      assumeRolePolicy: serviceTrustPolicy('ec2.amazonaws.com'),
    });
    for (const policy of ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryPullOnly']) {
      new IamRolePolicyAttachment(this, policy, {
        role: this.role.name,
        policyArn: props.account.managedPolicyArn(policy),
      });
    }
  }
}
