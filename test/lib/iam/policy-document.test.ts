import { policyDocument, serviceTrustPolicy } from '../../../lib/iam/policy-document';

describe('policy documents', () => {
  it('are IAM JSON with the 2012-10-17 version', () => {
    const doc = JSON.parse(
      policyDocument({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }),
    );
    expect(doc).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }],
    });
  });

  it('hold a service to the source account when one is given', () => {
    const [statement] = JSON.parse(
      serviceTrustPolicy('vpc-flow-logs.amazonaws.com', '123456789012'),
    ).Statement;
    expect(statement.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': '123456789012' } });
    expect(JSON.parse(serviceTrustPolicy('ec2.amazonaws.com')).Statement[0].Condition).toBeUndefined();
  });
});
