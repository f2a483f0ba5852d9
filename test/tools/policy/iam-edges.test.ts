/**
 * The IAM rules on the edges of what they check, each as a mutation of a real stack: the
 * rule fires on it (alone), or nothing fires where the rule must let the stack pass.
 */
import { Json } from '../../../tools/policy/types';
import { add, editJson, find, firedBy } from './support';
import { CLUSTER, autoscalerPolicy, trust } from './real-stacks';

const flowLogPolicy = (edit: (doc: Json) => void) => (j: Json) =>
  editJson(find(j, 'aws_iam_role_policy', 'flow-log-policy'), 'policy', edit);
/** Edits the StringEquals block of the EBS CSI driver role's web-identity trust. */
const ebsTrust = (edit: (equals: Json, key: (suffix: string) => string) => void) => (j: Json) =>
  trust(j, 'ebs-csi-role/role', (doc) => {
    const equals = doc.Statement[0].Condition.StringEquals;
    edit(equals, (suffix) => Object.keys(equals).find((k) => k.endsWith(suffix))!);
  });
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const flowLogRole = (j: Json) =>
  `\${aws_iam_role.${Object.keys(j.resource.aws_iam_role).find((n) => j.resource.aws_iam_role[n] === find(j, 'aws_iam_role', 'network/flow-log-role'))}.name}`;

describe('iam.no-wildcard-actions', () => {
  it('fails a bare "Action": "*"', () => {
    // Coupled by design: "*" also grants the autoscaler's write actions, on any resource, and
    // the EFS CSI driver's TagResource, CreateAccessPoint and DeleteAccessPoint with no
    // CreateAction or cluster tag condition, so the rules guarding those fire with it.
    expect(firedBy([CLUSTER, flowLogPolicy((doc) => (doc.Statement[0].Action = '*'))])).toEqual([
      'iam.autoscaler-scoped',
      'iam.efs-csi-own-access-points',
      'iam.no-wildcard-actions',
    ]);
  });

  it('lets a Deny of every action pass: a Deny grants nothing', () => {
    const deny = flowLogPolicy((doc) =>
      doc.Statement.push(
        { Effect: 'Deny', Action: '*', Resource: '*' },
        { Effect: 'Deny', NotAction: 'logs:*', Resource: '*' },
      ),
    );
    expect(firedBy([CLUSTER, deny])).toEqual([]);
  });
});

describe('iam.trust-no-account', () => {
  it('fails a bare 12-digit account id as principal', () => {
    const account = (j: Json) =>
      trust(j, 'network/flow-log-role', (doc) => (doc.Statement[0].Principal = { AWS: '123456789012' }));
    expect(firedBy([CLUSTER, account])).toEqual(['iam.trust-no-account']);
  });

  it('lets a role ARN of the account pass', () => {
    const role = (j: Json) =>
      trust(
        j,
        'network/flow-log-role',
        (doc) => (doc.Statement[0].Principal = { AWS: 'arn:aws:iam::123456789012:role/ops' }),
      );
    expect(firedBy([CLUSTER, role])).toEqual([]);
  });

  it('lets a Deny of an account pass', () => {
    const deny = (j: Json) =>
      trust(j, 'network/flow-log-role', (doc) =>
        doc.Statement.push({ Effect: 'Deny', Principal: { AWS: '123456789012' }, Action: 'sts:AssumeRole' }),
      );
    expect(firedBy([CLUSTER, deny])).toEqual([]);
  });
});

describe('iam.trust-no-wildcard', () => {
  it('lets a Deny of Principal "*" pass', () => {
    const deny = (j: Json) =>
      trust(j, 'network/flow-log-role', (doc) =>
        doc.Statement.push({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }),
      );
    expect(firedBy([CLUSTER, deny])).toEqual([]);
  });
});

describe('iam.irsa-scoped', () => {
  it.each([
    [
      'two service accounts',
      ebsTrust((eq, key) => (eq[key(':sub')] = [eq[key(':sub')], 'system:serviceaccount:kube-system:other'])),
    ],
    ['no service account', ebsTrust((eq, key) => delete eq[key(':sub')])],
    [
      'a subject without the service account name',
      ebsTrust((eq, key) => (eq[key(':sub')] = 'system:serviceaccount:kube-system')),
    ],
    [
      'a subject that is not a service account',
      ebsTrust((eq, key) => (eq[key(':sub')] = 'kube-system:ebs-csi')),
    ],
    ['a subject with junk after it', ebsTrust((eq, key) => (eq[key(':sub')] = `${eq[key(':sub')]} `))],
    ['a wrong audience', ebsTrust((eq, key) => (eq[key(':aud')] = 'https://kubernetes.default.svc'))],
    [
      'two audiences',
      ebsTrust((eq, key) => (eq[key(':aud')] = ['sts.amazonaws.com', 'sts.amazonaws.com.cn'])),
    ],
    ['no audience', ebsTrust((eq, key) => delete eq[key(':aud')])],
  ])('fails a web-identity trust with %s', (_name, change) => {
    expect(firedBy([CLUSTER, change])).toEqual(['iam.irsa-scoped']);
  });

  it('checks a statement that trusts a federated principal without naming the web-identity action', () => {
    const federated = (j: Json) =>
      trust(j, 'ebs-csi-role/role', (doc) =>
        doc.Statement.push({
          Effect: 'Allow',
          Principal: doc.Statement[0].Principal,
          Action: 'sts:TagSession',
        }),
      );
    expect(firedBy([CLUSTER, federated])).toEqual(['iam.irsa-scoped']);
  });

  it('checks a web-identity statement whatever its principal', () => {
    const web = (j: Json) =>
      trust(j, 'ebs-csi-role/role', (doc) =>
        doc.Statement.push({
          Effect: 'Allow',
          Principal: { Service: 'ec2.amazonaws.com' },
          Action: 'sts:AssumeRoleWithWebIdentity',
        }),
      );
    expect(firedBy([CLUSTER, web])).toEqual(['iam.irsa-scoped']);
  });

  it('lets a StringLike on another key than the subject fire only as StringLike', () => {
    const like = (j: Json) =>
      trust(
        j,
        'ebs-csi-role/role',
        (doc) => (doc.Statement[0].Condition.StringLike = { 'aws:PrincipalTag/x': 'y' }),
      );
    expect(firedBy([CLUSTER, like])).toEqual(['iam.irsa-scoped']);
  });
});

describe('iam.no-administrator-access', () => {
  it.each([
    [
      'aws_iam_policy_attachment',
      (j: Json) => ({ name: 'admin', policy_arn: ADMIN, roles: [flowLogRole(j)] }),
    ],
    ['aws_iam_user_policy_attachment', () => ({ user: 'ops', policy_arn: ADMIN })],
    ['aws_iam_group_policy_attachment', () => ({ group: 'ops', policy_arn: ADMIN })],
    [
      'aws_iam_role_policy_attachments_exclusive',
      (j: Json) => ({
        role_name: flowLogRole(j),
        policy_arns: ['arn:aws:iam::aws:policy/ReadOnlyAccess', ADMIN],
      }),
    ],
  ])('fails AdministratorAccess attached by %s', (type, body) => {
    expect(firedBy([CLUSTER, (j) => add(j, type, 'admin', body(j))])).toEqual([
      'iam.no-administrator-access',
    ]);
  });

  it("fails AdministratorAccess in a role's managed_policy_arns", () => {
    const managed = (j: Json) =>
      (find(j, 'aws_iam_role', 'network/flow-log-role').managed_policy_arns = [ADMIN]);
    expect(firedBy([CLUSTER, managed])).toEqual(['iam.no-administrator-access']);
  });

  it('lets other managed policies pass, also ones whose name ends like it', () => {
    const managed = (j: Json) =>
      (find(j, 'aws_iam_role', 'network/flow-log-role').managed_policy_arns = [
        'arn:aws:iam::aws:policy/ReadOnlyAccess',
        'arn:aws:iam::123456789012:policy/NotAdministratorAccess',
      ]);
    expect(firedBy([CLUSTER, managed])).toEqual([]);
  });
});

describe('iam.autoscaler-scoped', () => {
  const GROUP =
    'arn:aws:autoscaling:us-west-2:123456789012:autoScalingGroup:0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b:autoScalingGroupName/';
  const writes = (edit: (s: Json) => void) => (j: Json) =>
    autoscalerPolicy(j, (doc) =>
      doc.Statement.filter((s: Json) => JSON.stringify(s.Action).includes('SetDesiredCapacity')).forEach(
        edit,
      ),
    );

  it('accepts writes scoped by exact group ARNs, without the tag condition', () => {
    const byArn = writes((s) => {
      delete s.Condition;
      s.Resource = [`${GROUP}user-pool`, `${GROUP}gpu-pool`];
    });
    expect(firedBy([CLUSTER, byArn])).toEqual([]);
  });

  it.each([
    ['one ARN with a ? wildcard', [`${GROUP}user-poo?`]],
    ['an exact ARN next to a wildcard one', [`${GROUP}user-pool`, `${GROUP}*`]],
    ['no resource at all', []],
  ])('fails unconditioned writes on %s', (_name, resources) => {
    const change = writes((s) => {
      delete s.Condition;
      s.Resource = resources;
    });
    expect(firedBy([CLUSTER, change])).toEqual(['iam.autoscaler-scoped']);
  });

  it.each([
    [
      'a tag of another cluster',
      (s: Json) => {
        const tags = s.Condition.StringEquals;
        const key = Object.keys(tags).find((k) =>
          k.startsWith('aws:ResourceTag/k8s.io/cluster-autoscaler/'),
        )!;
        tags[`${key}-other`] = tags[key];
        delete tags[key];
      },
    ],
    [
      'the tag with another value',
      (s: Json) => {
        const tags = s.Condition.StringEquals;
        const key = Object.keys(tags).find((k) =>
          k.startsWith('aws:ResourceTag/k8s.io/cluster-autoscaler/'),
        )!;
        tags[key] = 'shared';
      },
    ],
  ])('fails writes on "*" conditioned on %s', (_name, edit) => {
    const change = writes((s) => {
      s.Resource = '*';
      edit(s);
    });
    expect(firedBy([CLUSTER, change])).toEqual(['iam.autoscaler-scoped']);
  });

  it('lets an unscoped Deny of the write actions pass: a Deny grants nothing', () => {
    const deny = (j: Json) =>
      autoscalerPolicy(j, (doc) =>
        doc.Statement.push({ Effect: 'Deny', Action: 'autoscaling:SetDesiredCapacity', Resource: '*' }),
      );
    expect(firedBy([CLUSTER, deny])).toEqual([]);
  });

  it.each([
    ['in another case', 'AutoScaling:setdesiredcapacity'],
    ['through a ? pattern', 'autoscaling:SetDesiredCapacit?'],
    ['through a pattern ending in *', 'autoscaling:Set*'],
  ])('fails a write action on "*" named %s', (_name, action) => {
    const write = (j: Json) =>
      autoscalerPolicy(j, (doc) => doc.Statement.push({ Effect: 'Allow', Action: action, Resource: '*' }));
    expect(firedBy([CLUSTER, write])).toEqual(['iam.autoscaler-scoped']);
  });

  it('lets a read-only action on "*" pass', () => {
    const read = (j: Json) =>
      autoscalerPolicy(j, (doc) =>
        doc.Statement.push({
          Effect: 'Allow',
          Action: 'autoscaling:DescribeAutoScalingGroups',
          Resource: '*',
        }),
      );
    expect(firedBy([CLUSTER, read])).toEqual([]);
  });

  it('fails the terminate action alone, granted through a pattern, on "*"', () => {
    const terminate = (j: Json) =>
      autoscalerPolicy(j, (doc) =>
        doc.Statement.push({ Effect: 'Allow', Action: 'autoscaling:Terminate*', Resource: '*' }),
      );
    expect(firedBy([CLUSTER, terminate])).toEqual(['iam.autoscaler-scoped']);
  });
});
