import { TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { AwsAccount } from '../../lib/aws-account';

describe('AwsAccount', () => {
  const stack = new TerraformStack(Testing.app(), 'probe');
  const account = new AwsAccount(stack, 'account');
  new TerraformOutput(stack, 'account_id', { value: account.accountId });
  new TerraformOutput(stack, 'policy', { value: account.managedPolicyArn('AmazonEKSClusterPolicy') });
  new TerraformOutput(stack, 'root', { value: account.rootPrincipal });
  const outputs = JSON.parse(Testing.synth(stack)).output;

  it('reads account, partition and region from data sources, never hard-coded', () => {
    expect(outputs.account_id.value).toMatch(/^\$\{data\.aws_caller_identity\..+\.account_id\}$/);
    expect(outputs.policy.value).toMatch(
      /^arn:\$\{data\.aws_partition\..+\.partition\}:iam::aws:policy\/AmazonEKSClusterPolicy$/,
    );
    expect(outputs.root.value).toMatch(/:iam::\$\{data\.aws_caller_identity\..+\.account_id\}:root$/);
  });
});
