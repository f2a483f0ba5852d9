/** IAM roles, trust policies and permissions. */
import { PolicyDocumentSite, Statement, conditionValues, policyDocuments } from '../iam';
import { StackView, list } from '../stack-view';
import { Rule } from '../types';
import { outcome, show } from './outcome';

const readable = (stack: StackView) => policyDocuments(stack).filter((site) => site.statements !== undefined);
const statementsOfKind = (stack: StackView, kind: PolicyDocumentSite['kind']) =>
  readable(stack)
    .filter((site) => site.kind === kind)
    .map((site) => ({ site, allows: site.statements!.filter((s) => s.effect === 'Allow') }));

/** The tag the EFS CSI driver puts on every access point it creates, in every cluster. */
const EFS_CSI_CONSTANT_TAG = 'efs.csi.aws.com/cluster';

const IRSA_SUBJECT = /^system:serviceaccount:[a-z0-9-]+:[a-z0-9.-]+$/;
const AUTOSCALER_WRITES = [
  'autoscaling:SetDesiredCapacity',
  'autoscaling:TerminateInstanceInAutoScalingGroup',
];

/** Whether an IAM action pattern (`autoscaling:*`, `*`) grants `action`. */
function grants(pattern: string, action: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return regex.test(action);
}

/** The autoscaler write actions a statement grants, through Action or through NotAction's "all but". */
function autoscalerWrites(statement: Statement): string[] {
  return AUTOSCALER_WRITES.filter((write) =>
    statement.notActions.length > 0
      ? !statement.notActions.some((pattern) => grants(pattern, write))
      : statement.actions.some((pattern) => grants(pattern, write)),
  );
}

/** The service account a web-identity trust statement admits, from its `:sub` condition. */
function trustedSubjects(statement: Statement): string[] {
  return conditionValues(statement, 'StringEquals', ':sub');
}

function isWebIdentity(statement: Statement): boolean {
  return statement.actions.includes('sts:AssumeRoleWithWebIdentity') || 'Federated' in statement.principals;
}

export const IAM_RULES: Rule[] = [
  {
    id: 'iam.readable-documents',
    severity: 'must',
    title: 'Every IAM document can be read by the guard',
    rationale: 'A policy the guard cannot read is a policy no rule has checked.',
    anchors: ['checkov IAM checks read the same documents (CKV_AWS_62, CKV_AWS_63)'],
    *check(stack) {
      for (const site of policyDocuments(stack)) {
        yield outcome(site.resource.address, [
          site.statements === undefined &&
            `${site.attribute} is neither JSON, jsonencode(...) nor a data.aws_iam_policy_document`,
        ]);
      }
    },
  },
  {
    id: 'iam.no-wildcard-actions',
    severity: 'must',
    title: 'No wildcard actions in identity policies',
    rationale:
      '`*` or `service:*` grants every present and future action, far beyond what a component needs.',
    anchors: ['CKV_AWS_62', 'CKV_AWS_63', 'AWS-0057'],
    reference: 'RC-39',
    *check(stack) {
      for (const { site, allows } of statementsOfKind(stack, 'identity')) {
        const wild = allows.flatMap((s) => s.actions).filter((a) => a === '*' || a.endsWith(':*'));
        // Allow + NotAction grants every action but the listed ones, present and future (checkov agrees).
        const except = allows.filter((s) => s.notActions.length > 0).flatMap((s) => s.notActions);
        yield outcome(site.resource.address, [
          wild.length > 0 && `allows wildcard actions ${wild.join(', ')}`,
          except.length > 0 && `allows every action except ${except.join(', ')} (Allow with NotAction)`,
        ]);
      }
    },
  },
  {
    id: 'iam.trust-no-wildcard',
    severity: 'must',
    title: 'No role trusts Principal "*"',
    rationale: 'Anyone on AWS could assume the role.',
    anchors: ['CKV_AWS_60'],
    reference: 'RC-35',
    *check(stack) {
      for (const { site, allows } of statementsOfKind(stack, 'trust')) {
        const open = allows.some((s) => Object.values(s.principals).some((ids) => ids.includes('*')));
        yield outcome(site.resource.address, [open && 'the trust policy allows Principal "*"']);
      }
    },
  },
  {
    id: 'iam.trust-no-account',
    severity: 'must',
    title: 'No role trusts a whole account',
    rationale: 'Trusting an account root delegates the role to every principal in that account.',
    anchors: ['CKV_AWS_61'],
    reference: 'RC-36',
    *check(stack) {
      for (const { site, allows } of statementsOfKind(stack, 'trust')) {
        const accounts = allows
          .flatMap((s) => list(s.principals.AWS))
          .filter((p: string) => /^\d{12}$/.test(p) || /:root$/.test(p));
        yield outcome(site.resource.address, [
          accounts.length > 0 && `the trust policy trusts ${accounts.join(', ')}`,
        ]);
      }
    },
  },
  {
    id: 'iam.irsa-scoped',
    severity: 'must',
    title: 'Service-account roles trust exactly one namespace/service account',
    rationale:
      'Otherwise any pod in the namespace, including notebooks, can assume the autoscaler or storage role.',
    anchors: ['EKS Best Practices: security/iam, Scope the IAM Role trust policy for IRSA Roles'],
    reference: 'RC-37',
    *check(stack) {
      for (const { site, allows } of statementsOfKind(stack, 'trust')) {
        for (const statement of allows.filter(isWebIdentity)) {
          const subjects = trustedSubjects(statement);
          const audiences = conditionValues(statement, 'StringEquals', ':aud');
          yield outcome(site.resource.address, [
            (subjects.length !== 1 || !IRSA_SUBJECT.test(subjects[0])) &&
              `StringEquals <issuer>:sub is ${show(subjects)}, must be one system:serviceaccount:<namespace>:<name>`,
            statement.conditions.some((c) => c.test.startsWith('StringLike')) &&
              'uses StringLike, which admits wildcards',
            (audiences.length !== 1 || audiences[0] !== 'sts.amazonaws.com') &&
              `StringEquals <issuer>:aud is ${show(audiences)}, must be sts.amazonaws.com`,
          ]);
        }
      }
    },
  },
  {
    id: 'iam.one-role-per-service-account',
    severity: 'should',
    title: 'One role per service account',
    rationale: 'Two roles for one service account make it unclear which permissions a pod has.',
    anchors: ['EKS Best Practices: security/iam, Use one IAM role per application'],
    reference: 'RC-37',
    *check(stack) {
      const owners = new Map<string, string[]>();
      for (const { site, allows } of statementsOfKind(stack, 'trust')) {
        for (const subject of allows.filter(isWebIdentity).flatMap(trustedSubjects)) {
          owners.set(subject, [...(owners.get(subject) ?? []), site.resource.address]);
        }
      }
      for (const [subject, roles] of owners) {
        for (const role of roles) {
          yield outcome(role, [
            roles.length > 1 && `${subject} is also trusted by ${roles.filter((r) => r !== role).join(', ')}`,
          ]);
        }
      }
    },
  },
  {
    id: 'iam.no-administrator-access',
    severity: 'must',
    title: 'AdministratorAccess never attached',
    rationale: 'A leaked credential of any role with it owns the account.',
    anchors: ['CKV_AWS_274'],
    reference: 'RC-38',
    *check(stack) {
      const attachments = stack.resourcesOf(
        'aws_iam_role_policy_attachment',
        'aws_iam_policy_attachment',
        'aws_iam_user_policy_attachment',
        'aws_iam_group_policy_attachment',
        'aws_iam_role_policy_attachments_exclusive',
      );
      for (const a of attachments) {
        const arns = [...list(a.body.policy_arn), ...list(a.body.policy_arns)].map(String);
        yield outcome(a.address, [
          arns.some((arn) => arn.endsWith(':policy/AdministratorAccess')) && 'attaches AdministratorAccess',
        ]);
      }
      for (const role of stack.resources('aws_iam_role')) {
        const arns = list(role.body.managed_policy_arns).map(String);
        yield outcome(role.address, [
          arns.some((arn) => arn.endsWith(':policy/AdministratorAccess')) && 'attaches AdministratorAccess',
        ]);
      }
    },
  },
  {
    id: 'iam.autoscaler-scoped',
    severity: 'must',
    title: "Autoscaler write actions limited to this cluster's groups",
    rationale:
      "An unscoped autoscaler role can resize or terminate other clusters' node groups in the account.",
    anchors: [
      'CKV_AWS_355',
      'EKS Best Practices: autoscaling/cluster-autoscaler, Employ least privileged access to the IAM role',
      'cluster-autoscaler AWS README: IAM Policy',
    ],
    reference: 'RC-39',
    *check(stack, synth) {
      const cluster = synth.clusterName(stack);
      for (const { site, allows } of statementsOfKind(stack, 'identity')) {
        for (const statement of allows) {
          const writes = autoscalerWrites(statement);
          if (writes.length === 0) continue;
          const tagged = conditionValues(
            statement,
            'StringEquals',
            `aws:ResourceTag/k8s.io/cluster-autoscaler/${cluster}`,
          );
          // A wildcard anywhere in an ARN (`autoScalingGroupName/*`) can match other clusters' groups.
          const byArn = statement.resources.length > 0 && statement.resources.every((r) => !/[*?]/.test(r));
          yield outcome(site.resource.address, [
            !byArn &&
              !tagged.includes('owned') &&
              `${writes.join(', ')} on ${show(statement.resources)} without aws:ResourceTag/k8s.io/cluster-autoscaler/${cluster ?? '<cluster>'} = owned`,
          ]);
        }
      }
    },
  },
  {
    id: 'iam.efs-csi-own-access-points',
    severity: 'must',
    title: 'The EFS CSI role tags only on creation, and creates and deletes only its cluster’s access points',
    rationale:
      "The driver's efs.csi.aws.com/cluster=true tag is the same in every cluster; a role that may set it on any access point and delete by it can delete another environment's or Terraform's access points.",
    anchors: [
      'Amazon EFS User Guide: elasticfilesystem:CreateAction condition (tag on create)',
      'aws-efs-csi-driver chart controller.tags (--tags)',
    ],
    *check(stack) {
      for (const { site, allows } of statementsOfKind(stack, 'identity')) {
        for (const statement of allows) {
          const grantsAny = (action: string) =>
            statement.notActions.length === 0 && statement.actions.some((p) => grants(p, action));
          // Tag conditions other than the driver's constant tag name something cluster-specific.
          const ownTag = (kind: 'RequestTag' | 'ResourceTag') =>
            statement.conditions.some(
              (c) =>
                /^StringEquals/.test(c.test) &&
                c.variable.startsWith(`aws:${kind}/`) &&
                c.variable !== `aws:${kind}/${EFS_CSI_CONSTANT_TAG}`,
            );
          yield outcome(site.resource.address, [
            grantsAny('elasticfilesystem:TagResource') &&
              !conditionValues(statement, 'StringEquals', 'elasticfilesystem:CreateAction').length &&
              'allows elasticfilesystem:TagResource on existing resources (no elasticfilesystem:CreateAction condition)',
            grantsAny('elasticfilesystem:CreateAccessPoint') &&
              !ownTag('RequestTag') &&
              'allows CreateAccessPoint without a cluster-specific aws:RequestTag condition',
            grantsAny('elasticfilesystem:DeleteAccessPoint') &&
              !ownTag('ResourceTag') &&
              'allows DeleteAccessPoint without a cluster-specific aws:ResourceTag condition',
          ]);
        }
      }
    },
  },
];
