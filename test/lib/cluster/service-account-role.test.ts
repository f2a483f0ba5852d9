import { resourcesOf, synthStacks } from '../../support/synth';

describe('ServiceAccountRole', () => {
  const prod = synthStacks().get('hub-cluster-prod')!;
  const roles = resourcesOf(prod, 'aws_iam_role').map(([, role]) => ({
    name: role.name as string,
    trust: JSON.parse(role.assume_role_policy),
  }));
  const federated = roles.filter((r) =>
    r.trust.Statement.some((s: { Principal: object }) => 'Federated' in s.Principal),
  );

  it('backs the VPC CNI and the EBS CSI controller', () => {
    expect(federated.map((r) => r.name)).toEqual(
      expect.arrayContaining(['hub-prod-vpc-cni', 'hub-prod-ebs-csi']),
    );
  });

  it.each([
    ['hub-prod-vpc-cni', 'system:serviceaccount:kube-system:aws-node'],
    ['hub-prod-ebs-csi', 'system:serviceaccount:kube-system:ebs-csi-controller-sa'],
  ])('%s trusts exactly %s, with the STS audience', (name, subject) => {
    const { trust } = federated.find((r) => r.name === name)!;
    expect(trust.Statement).toHaveLength(1);
    const [statement] = trust.Statement;
    expect(statement.Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(statement.Principal.Federated).toMatch(/^\$\{aws_iam_openid_connect_provider\..+\.arn\}$/);
    const conditions = Object.entries(statement.Condition.StringEquals) as Array<[string, string]>;
    expect(conditions).toHaveLength(2);
    expect(conditions.find(([key]) => key.endsWith(':sub'))?.[1]).toBe(subject);
    expect(conditions.find(([key]) => key.endsWith(':aud'))?.[1]).toBe('sts.amazonaws.com');
    expect(statement.Condition.StringLike).toBeUndefined();
  });
});
