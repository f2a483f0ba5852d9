/**
 * The IAM rules on small hand-written stacks: each branch of each rule, with the message an
 * operator reads. Fast enough to run against every mutant of tools/policy/rules/iam.ts
 * (`npm run mutate -- tools/policy/rules/iam.ts`); the edges on the real stacks are in
 * iam-edges.test.ts.
 */
import { evaluate } from '../../../tools/policy/engine';
import { IAM_RULES } from '../../../tools/policy/rules/iam';
import { SynthOutput } from '../../../tools/policy/synth-output';
import { Json } from '../../../tools/policy/types';

const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const OIDC = 'oidc.eks.eu-west-1.amazonaws.com/id/ABC';

/** Every IAM rule on one stack built from `resource` (and an EKS cluster named `hub` unless told). */
function check(resource: Json, { cluster = 'hub' as string | undefined } = {}) {
  const json: Json = { resource: { ...resource } };
  if (cluster) json.resource.aws_eks_cluster = { eks: { name: cluster } };
  return evaluate(SynthOutput.fromJson([['s', json]]), IAM_RULES);
}

/** `rule address: message` of each violation. */
function fired(resource: Json, options?: { cluster?: string }): string[] {
  return check(resource, options).violations.map((v) => `${v.rule} ${v.address}: ${v.message}`);
}

const doc = (...Statement: Json[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const rolePolicy = (...statements: Json[]) => ({
  aws_iam_role_policy: { p: { policy: doc(...statements) } },
});
const role = (...statements: Json[]) => ({ aws_iam_role: { r: { assume_role_policy: doc(...statements) } } });

/** A web-identity trust statement with the given StringEquals (and other) conditions. */
function webIdentity(equals: Record<string, unknown>, extra: Json = {}): Json {
  return {
    Effect: 'Allow',
    Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${OIDC}` },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: equals, ...extra },
  };
}
const scoped = (
  sub: unknown = 'system:serviceaccount:kube-system:ebs-csi',
  aud: unknown = 'sts.amazonaws.com',
) => webIdentity({ [`${OIDC}:sub`]: sub, [`${OIDC}:aud`]: aud });

describe('iam.readable-documents', () => {
  it('fails a document given as a reference to something else than a policy document', () => {
    expect(fired({ aws_iam_policy: { x: { policy: '${aws_s3_object.doc.body}' } } })).toEqual([
      'iam.readable-documents aws_iam_policy.x: policy is neither JSON, jsonencode(...) nor a data.aws_iam_policy_document',
    ]);
  });

  it('examines a readable document and lets it pass', () => {
    const { violations, examined } = check(
      rolePolicy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }),
    );
    expect(violations).toEqual([]);
    expect(examined.get('iam.readable-documents')).toBe(1);
    expect(examined.get('iam.no-wildcard-actions')).toBe(1);
  });
});

describe('iam.no-wildcard-actions', () => {
  it('fails "*" and service:* actions, and Allow with NotAction, in one message per document', () => {
    const policy = rolePolicy(
      { Effect: 'Allow', Action: ['*', 'logs:*', 'ec2:Describe*'], Resource: 'arn:aws:logs:::x' },
      { Effect: 'Allow', NotAction: ['iam:*', 'kms:Decrypt'], Resource: 'arn:aws:logs:::x' },
    );
    expect(fired(policy).filter((f) => f.startsWith('iam.no-wildcard-actions'))).toEqual([
      'iam.no-wildcard-actions aws_iam_role_policy.p: allows wildcard actions *, logs:*; ' +
        'allows every action except iam:*, kms:Decrypt (Allow with NotAction)',
    ]);
  });

  it('lets a prefix pattern such as ec2:Describe* pass, and ignores Deny statements and trust policies', () => {
    expect(
      fired({
        ...rolePolicy(
          { Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' },
          { Effect: 'Deny', Action: '*', Resource: '*' },
          { Effect: 'Deny', NotAction: 's3:GetObject', Resource: '*' },
        ),
        ...role({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:*' }),
      }),
    ).toEqual([]);
  });
});

describe('iam.trust-no-wildcard', () => {
  it.each([
    ['"*"', '*'],
    ['{AWS: "*"} among others', { AWS: ['arn:aws:iam::123456789012:role/ops', '*'] }],
    ['{Service: "*"}', { Service: '*' }],
    ['"*" beside a named service', { Service: 'ec2.amazonaws.com', AWS: '*' }],
  ])('fails Principal %s', (_, Principal) => {
    expect(fired(role({ Effect: 'Allow', Principal, Action: 'sts:AssumeRole' }))).toEqual([
      'iam.trust-no-wildcard aws_iam_role.r: the trust policy allows Principal "*"',
    ]);
  });

  it('lets a named service and a Deny of "*" pass, and ignores resource policies', () => {
    expect(
      fired({
        ...role(
          { Effect: 'Allow', Principal: { Service: 'eks.amazonaws.com' }, Action: 'sts:AssumeRole' },
          { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole' },
        ),
        aws_sqs_queue_policy: {
          q: { policy: doc({ Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage' }) },
        },
      }),
    ).toEqual([]);
  });
});

describe('iam.trust-no-account', () => {
  it('fails a bare account id and an account root, named together', () => {
    const Principal = { AWS: ['123456789012', 'arn:aws:iam::210987654321:root'] };
    expect(fired(role({ Effect: 'Allow', Principal, Action: 'sts:AssumeRole' }))).toEqual([
      'iam.trust-no-account aws_iam_role.r: the trust policy trusts 123456789012, arn:aws:iam::210987654321:root',
    ]);
  });

  it.each([
    ['a role of the account', 'arn:aws:iam::123456789012:role/ops'],
    ['eleven digits', '12345678901'],
    ['thirteen digits', '1234567890123'],
    ['digits with a prefix', 'a123456789012'],
    ['a role named like a root', 'arn:aws:iam::123456789012:role/root-ops'],
  ])('lets %s pass', (_, principal) => {
    expect(fired(role({ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' }))).toEqual(
      [],
    );
  });

  it('lets a Deny of an account root pass', () => {
    const deny = {
      Effect: 'Deny',
      Principal: { AWS: 'arn:aws:iam::123456789012:root' },
      Action: 'sts:AssumeRole',
    };
    expect(fired(role(deny))).toEqual([]);
  });
});

describe('iam.irsa-scoped', () => {
  const subjectMessage = (shown: string) =>
    `iam.irsa-scoped aws_iam_role.r: StringEquals <issuer>:sub is ${shown}, must be one system:serviceaccount:<namespace>:<name>`;

  it('lets one service account with the STS audience pass, also with dots and digits in its name', () => {
    const { violations, examined } = check(role(scoped('system:serviceaccount:kube-2:efs.csi-controller')));
    expect(violations).toEqual([]);
    expect(examined.get('iam.irsa-scoped')).toBe(1);
  });

  it.each([
    ['no subject', undefined, '[]'],
    [
      'two service accounts',
      ['system:serviceaccount:a:x', 'system:serviceaccount:a:y'],
      JSON.stringify(['system:serviceaccount:a:x', 'system:serviceaccount:a:y']),
    ],
    ['a wildcard name', 'system:serviceaccount:kube-system:*', '["system:serviceaccount:kube-system:*"]'],
    ['an empty name', 'system:serviceaccount:kube-system:', '["system:serviceaccount:kube-system:"]'],
    ['an empty namespace', 'system:serviceaccount::ebs', '["system:serviceaccount::ebs"]'],
    [
      'a dot in the namespace',
      'system:serviceaccount:kube.system:ebs',
      '["system:serviceaccount:kube.system:ebs"]',
    ],
    ['capitals', 'system:serviceaccount:Kube:ebs', '["system:serviceaccount:Kube:ebs"]'],
    ['a prefix', 'xsystem:serviceaccount:kube:ebs', '["xsystem:serviceaccount:kube:ebs"]'],
    ['a suffix', 'system:serviceaccount:kube:ebs extra', '["system:serviceaccount:kube:ebs extra"]'],
    ['a group instead of an account', 'system:serviceaccounts:kube', '["system:serviceaccounts:kube"]'],
  ])('fails %s', (_, sub, shown) => {
    const equals: Record<string, unknown> = { [`${OIDC}:aud`]: 'sts.amazonaws.com' };
    if (sub !== undefined) equals[`${OIDC}:sub`] = sub;
    expect(fired(role(webIdentity(equals)))).toEqual([subjectMessage(shown)]);
  });

  it.each([
    ['no audience', undefined, '[]'],
    ['another audience', 'sts.amazonaws.com.cn', '["sts.amazonaws.com.cn"]'],
    ['two audiences', ['sts.amazonaws.com', 'other'], '["sts.amazonaws.com","other"]'],
  ])('fails %s', (_, aud, shown) => {
    const equals: Record<string, unknown> = { [`${OIDC}:sub`]: 'system:serviceaccount:kube:ebs' };
    if (aud !== undefined) equals[`${OIDC}:aud`] = aud;
    expect(fired(role(webIdentity(equals)))).toEqual([
      `iam.irsa-scoped aws_iam_role.r: StringEquals <issuer>:aud is ${shown}, must be sts.amazonaws.com`,
    ]);
  });

  it('fails a StringLike condition, also one that only adds to an exact subject', () => {
    const like = { StringLikeIfExists: { [`${OIDC}:sub`]: 'system:serviceaccount:kube:*' } };
    expect(
      fired(
        role(
          webIdentity(
            { [`${OIDC}:sub`]: 'system:serviceaccount:kube:ebs', [`${OIDC}:aud`]: 'sts.amazonaws.com' },
            like,
          ),
        ),
      ),
    ).toEqual(['iam.irsa-scoped aws_iam_role.r: uses StringLike, which admits wildcards']);
  });

  it('names every problem of a statement in one message', () => {
    const statement = webIdentity({}, { StringLike: { [`${OIDC}:sub`]: 'system:serviceaccount:kube:*' } });
    expect(fired(role(statement))).toEqual([
      `${subjectMessage('[]')}; uses StringLike, which admits wildcards; StringEquals <issuer>:aud is [], must be sts.amazonaws.com`,
    ]);
  });

  it('checks a statement with the web-identity action whatever its principal, and a federated one whatever its action', () => {
    const byAction = {
      ...webIdentity({ [`${OIDC}:aud`]: 'sts.amazonaws.com' }),
      Principal: { AWS: 'arn:aws:iam::123456789012:role/x' },
    };
    const byPrincipal = { ...scoped([]), Action: 'sts:TagSession' };
    expect(fired(role(byAction))).toEqual([subjectMessage('[]')]);
    expect(fired(role(byPrincipal))).toEqual([subjectMessage('[]')]);
  });

  it('does not examine service trust statements or Deny statements', () => {
    const { violations, examined } = check(
      role(
        { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
        { ...webIdentity({}), Effect: 'Deny' },
      ),
    );
    expect(violations).toEqual([]);
    expect(examined.get('iam.irsa-scoped')).toBe(0);
  });
});

describe('iam.one-role-per-service-account', () => {
  const trusting = (sub: string) => ({ assume_role_policy: doc(scoped(sub)) });

  it('names, for each role trusting a service account, the other roles trusting it', () => {
    const roles = {
      aws_iam_role: {
        a: trusting('system:serviceaccount:kube:ebs'),
        b: trusting('system:serviceaccount:kube:ebs'),
        c: trusting('system:serviceaccount:kube:ebs'),
        d: trusting('system:serviceaccount:kube:efs'),
      },
    };
    expect(fired(roles)).toEqual([
      'iam.one-role-per-service-account aws_iam_role.a: system:serviceaccount:kube:ebs is also trusted by aws_iam_role.b, aws_iam_role.c',
      'iam.one-role-per-service-account aws_iam_role.b: system:serviceaccount:kube:ebs is also trusted by aws_iam_role.a, aws_iam_role.c',
      'iam.one-role-per-service-account aws_iam_role.c: system:serviceaccount:kube:ebs is also trusted by aws_iam_role.a, aws_iam_role.b',
    ]);
    expect(check(roles).examined.get('iam.one-role-per-service-account')).toBe(4);
  });

  it('does not count a Deny of the same service account as another role trusting it', () => {
    const roles = {
      aws_iam_role: {
        a: trusting('system:serviceaccount:kube:ebs'),
        b: { assume_role_policy: doc({ ...scoped('system:serviceaccount:kube:ebs'), Effect: 'Deny' }) },
      },
    };
    expect(fired(roles)).toEqual([]);
  });

  it('does not count a statement that is no web-identity trust, whatever its :sub condition', () => {
    // An AssumeRole request carries no <issuer>:sub, so the condition admits no service account.
    const roles = {
      aws_iam_role: {
        a: trusting('system:serviceaccount:kube:ebs'),
        b: {
          assume_role_policy: doc({
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::123456789012:role/ci' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { [`${OIDC}:sub`]: 'system:serviceaccount:kube:ebs' } },
          }),
        },
      },
    };
    expect(fired(roles).filter((f) => f.startsWith('iam.one-role'))).toEqual([]);
    expect(check(roles).examined.get('iam.one-role-per-service-account')).toBe(1);
  });
});

describe('iam.no-administrator-access', () => {
  it.each([
    'aws_iam_role_policy_attachment',
    'aws_iam_policy_attachment',
    'aws_iam_user_policy_attachment',
    'aws_iam_group_policy_attachment',
  ])('fails AdministratorAccess through %s', (type) => {
    expect(fired({ [type]: { a: { policy_arn: ADMIN } } })).toEqual([
      `iam.no-administrator-access ${type}.a: attaches AdministratorAccess`,
    ]);
  });

  it('fails AdministratorAccess among the policies of an exclusive attachment and of managed_policy_arns', () => {
    const others = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
    expect(
      fired({
        aws_iam_role_policy_attachments_exclusive: { x: { policy_arns: [others, ADMIN] } },
        aws_iam_role: { r: { managed_policy_arns: [others, ADMIN] } },
      }),
    ).toEqual([
      'iam.no-administrator-access aws_iam_role_policy_attachments_exclusive.x: attaches AdministratorAccess',
      'iam.no-administrator-access aws_iam_role.r: attaches AdministratorAccess',
    ]);
  });

  it('examines other policies and lets them pass, also one whose name ends like it', () => {
    const { violations, examined } = check({
      aws_iam_role_policy_attachment: { a: { policy_arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' } },
      aws_iam_policy_attachment: {
        b: { policy_arn: 'arn:aws:iam::123456789012:policy/NotAdministratorAccess' },
      },
      aws_iam_role: { r: { managed_policy_arns: ['arn:aws:iam::aws:policy/PowerUserAccess'] } },
    });
    expect(violations).toEqual([]);
    expect(examined.get('iam.no-administrator-access')).toBe(3);
  });
});

describe('iam.autoscaler-scoped', () => {
  const BOTH = 'autoscaling:SetDesiredCapacity, autoscaling:TerminateInstanceInAutoScalingGroup';
  const GROUP =
    'arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:uuid:autoScalingGroupName/eks-user';
  const unscoped = (writes: string, resources: string, cluster = 'hub') =>
    `iam.autoscaler-scoped aws_iam_role_policy.p: ${writes} on ${resources} without aws:ResourceTag/k8s.io/cluster-autoscaler/${cluster} = owned`;
  const autoscaler = (fields: Json) => fired(rolePolicy({ Effect: 'Allow', ...fields }));
  const tag = (cluster: string, value: string) => ({
    StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${cluster}`]: value },
  });

  it('fails the write actions on "*" without the owned tag of this cluster', () => {
    const actions = ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'];
    expect(autoscaler({ Action: actions, Resource: '*' })).toEqual([unscoped(BOTH, '["*"]')]);
    expect(autoscaler({ Action: actions, Resource: '*', Condition: tag('other', 'owned') })).toEqual([
      unscoped(BOTH, '["*"]'),
    ]);
    expect(autoscaler({ Action: actions, Resource: '*', Condition: tag('hub', 'shared') })).toEqual([
      unscoped(BOTH, '["*"]'),
    ]);
  });

  it('lets the write actions pass with the owned tag of this cluster', () => {
    const actions = ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'];
    expect(autoscaler({ Action: actions, Resource: '*', Condition: tag('hub', 'owned') })).toEqual([]);
  });

  it('lets writes on exact group ARNs pass, and fails ARNs with * or ? and statements with no resource', () => {
    const Action = 'autoscaling:SetDesiredCapacity';
    expect(autoscaler({ Action, Resource: [GROUP, `${GROUP}-2`] })).toEqual([]);
    expect(autoscaler({ Action, Resource: [GROUP, `${GROUP}*`] })).toEqual([
      unscoped(Action, JSON.stringify([GROUP, `${GROUP}*`])),
    ]);
    expect(autoscaler({ Action, Resource: `${GROUP}-?` })).toEqual([
      unscoped(Action, JSON.stringify([`${GROUP}-?`])),
    ]);
    expect(autoscaler({ Action })).toEqual([unscoped(Action, '[]')]);
  });

  it.each([
    ['a service wildcard', 'autoscaling:*', BOTH],
    ['a prefix pattern, in any case', 'AUTOSCALING:set*', 'autoscaling:SetDesiredCapacity'],
    [
      'a one-character pattern',
      'autoscaling:?erminateInstanceInAutoScalingGroup',
      'autoscaling:TerminateInstanceInAutoScalingGroup',
    ],
  ])('reads the write actions granted through %s', (_, Action, writes) => {
    expect(
      autoscaler({ Action, Resource: '*' }).filter((f) => f.startsWith('iam.autoscaler-scoped')),
    ).toEqual([unscoped(writes, '["*"]')]);
  });

  it.each([
    ['a read-only action', 'autoscaling:DescribeAutoScalingGroups'],
    ['a prefix of a write action', 'autoscaling:SetDesiredCapacit'],
    ['a write action with a prefix', 'xautoscaling:SetDesiredCapacity'],
    ['a dot, which is not a pattern character', 'autoscaling:Set.esiredCapacity'],
    ['a plus, which is not a pattern character', 'autoscaling:SetDesired+Capacity'],
    ['a pattern of another service', 'ec2:*'],
  ])('does not examine %s', (_, Action) => {
    const { violations, examined } = check(rolePolicy({ Effect: 'Allow', Action, Resource: '*' }));
    expect(violations.filter((v) => v.rule === 'iam.autoscaler-scoped')).toEqual([]);
    expect(examined.get('iam.autoscaler-scoped')).toBe(0);
  });

  it('reads NotAction as every action but the listed ones', () => {
    const not = (NotAction: string[]) =>
      autoscaler({ NotAction, Resource: '*' }).filter((f) => f.startsWith('iam.autoscaler-scoped'));
    expect(not(['ec2:*'])).toEqual([unscoped(BOTH, '["*"]')]);
    expect(not(['autoscaling:SetDesiredCapacity'])).toEqual([
      unscoped('autoscaling:TerminateInstanceInAutoScalingGroup', '["*"]'),
    ]);
    expect(not(['autoscaling:*'])).toEqual([]);
    expect(not(['ec2:*', 'autoscaling:TerminateInstanceInAutoScalingGroup'])).toEqual([
      unscoped('autoscaling:SetDesiredCapacity', '["*"]'),
    ]);
  });

  it('ignores Deny statements and trust policies', () => {
    const deny = { Effect: 'Deny', Action: 'autoscaling:*', Resource: '*' };
    expect(check(rolePolicy(deny)).examined.get('iam.autoscaler-scoped')).toBe(0);
    const trust = role({
      Effect: 'Allow',
      Principal: { Service: 'ec2.amazonaws.com' },
      Action: 'autoscaling:*',
    });
    expect(check(trust).examined.get('iam.autoscaler-scoped')).toBe(0);
  });

  it('says <cluster> when the stack has no cluster', () => {
    expect(
      fired(rolePolicy({ Effect: 'Allow', Action: 'autoscaling:SetDesiredCapacity', Resource: '*' }), {
        cluster: '',
      }),
    ).toEqual([unscoped('autoscaling:SetDesiredCapacity', '["*"]', '<cluster>')]);
  });
});

describe('iam.efs-csi-own-access-points', () => {
  const FS = 'arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-1';
  const efs = (Action: string | string[], Condition?: Json) =>
    fired(rolePolicy({ Effect: 'Allow', Action, Resource: FS, ...(Condition ? { Condition } : {}) }));
  const at = (message: string) => `iam.efs-csi-own-access-points aws_iam_role_policy.p: ${message}`;
  const TAG =
    'allows elasticfilesystem:TagResource on existing resources (no elasticfilesystem:CreateAction condition)';
  const CREATE = 'allows CreateAccessPoint without a cluster-specific aws:RequestTag condition';
  const DELETE = 'allows DeleteAccessPoint without a cluster-specific aws:ResourceTag condition';

  it('fails every unconditioned write of a service wildcard, in one message', () => {
    expect(efs('elasticfilesystem:*').filter((f) => f.startsWith('iam.efs'))).toEqual([
      at(`${TAG}; ${CREATE}; ${DELETE}`),
    ]);
  });

  it('lets TagResource pass only on creation', () => {
    expect(efs('elasticfilesystem:TagResource')).toEqual([at(TAG)]);
    expect(efs(['s3:GetObject', 'elasticfilesystem:TagResource'])).toEqual([at(TAG)]);
    expect(
      efs('elasticfilesystem:TagResource', { StringEquals: { 'aws:RequestTag/hub-cluster': 'prod' } }),
    ).toEqual([at(TAG)]);
    expect(
      efs('elasticfilesystem:TagResource', {
        StringEquals: { 'elasticfilesystem:CreateAction': 'CreateAccessPoint' },
      }),
    ).toEqual([]);
    expect(
      efs('elasticfilesystem:TagResource', {
        StringLike: { 'elasticfilesystem:CreateAction': 'CreateAccessPoint' },
      }),
    ).toEqual([at(TAG)]);
  });

  it('lets CreateAccessPoint pass only with a cluster-specific request tag', () => {
    const create = 'elasticfilesystem:CreateAccessPoint';
    expect(efs(create)).toEqual([at(CREATE)]);
    expect(efs(create, { StringEquals: { 'aws:RequestTag/efs.csi.aws.com/cluster': 'true' } })).toEqual([
      at(CREATE),
    ]);
    expect(efs(create, { StringLike: { 'aws:RequestTag/hub-cluster': 'prod' } })).toEqual([at(CREATE)]);
    expect(efs(create, { StringEquals: { 'aws:ResourceTag/hub-cluster': 'prod' } })).toEqual([at(CREATE)]);
    expect(efs(create, { StringEquals: { 'aws:RequestTag/hub-cluster': 'prod' } })).toEqual([]);
    expect(efs(create, { StringEqualsIgnoreCase: { 'aws:RequestTag/hub-cluster': 'prod' } })).toEqual([]);
  });

  it('lets DeleteAccessPoint pass only with a cluster-specific resource tag', () => {
    const del = 'elasticfilesystem:DeleteAccessPoint';
    expect(efs(del)).toEqual([at(DELETE)]);
    expect(efs(del, { StringEquals: { 'aws:ResourceTag/efs.csi.aws.com/cluster': 'true' } })).toEqual([
      at(DELETE),
    ]);
    expect(efs(del, { StringEquals: { 'aws:RequestTag/hub-cluster': 'prod' } })).toEqual([at(DELETE)]);
    expect(efs(del, { StringEquals: { 'aws:ResourceTag/hub-cluster': 'prod' } })).toEqual([]);
  });

  it.each(['ForAllValues:StringEquals', 'ForAnyValue:StringEquals'])(
    'does not take a tag under %s, a set operator on a single-valued key, as cluster-specific',
    (test) => {
      // ForAllValues holds when the key is missing: it admits every access point without the tag.
      // AWS's IAM guide forbids either set operator on a single-valued key such as a tag.
      expect(
        efs('elasticfilesystem:CreateAccessPoint', { [test]: { 'aws:RequestTag/hub-cluster': 'prod' } }),
      ).toEqual([at(CREATE)]);
      expect(
        efs('elasticfilesystem:DeleteAccessPoint', { [test]: { 'aws:ResourceTag/hub-cluster': 'prod' } }),
      ).toEqual([at(DELETE)]);
    },
  );

  it('leaves NotAction statements to the wildcard rule and ignores Deny statements', () => {
    const { violations } = check(
      rolePolicy(
        { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' },
        { Effect: 'Deny', Action: 'elasticfilesystem:*', Resource: '*' },
      ),
    );
    expect(violations.map((v) => v.rule)).toEqual(['iam.no-wildcard-actions', 'iam.autoscaler-scoped']);
  });
});
