/**
 * The capacity schedule's placeholder CronJobs run with a service account that may scale
 * one StatefulSet: a role any broader would let a job (or whoever takes its token) change
 * other workloads in the hub's namespace.
 */
import { PLACEHOLDER_SCALER } from '../../../lib/jupyterhub/placeholder-schedule';
import { StackView, blocks, list } from '../stack-view';
import { Json, Outcome, Rule } from '../types';
import { outcome, show } from './outcome';

const ALLOWED_VERBS = new Set(['get', 'patch']);

/** The problems of one RBAC rule of the scaler's role. */
function ruleProblems(rule: Json, i: number): string[] {
  const at = `rule ${i}`;
  const groups = list(rule.api_groups);
  const resources = list(rule.resources);
  const names = list(rule.resource_names);
  const verbs = list(rule.verbs);
  const problems: string[] = [];
  if (groups.length !== 1 || groups[0] !== 'apps')
    problems.push(`${at} api_groups ${show(groups)}, allowed only ["apps"]`);
  if (resources.length !== 1 || resources[0] !== 'statefulsets/scale') {
    problems.push(`${at} resources ${show(resources)}, allowed only ["statefulsets/scale"]`);
  }
  if (names.length !== 1 || names.some((n) => typeof n !== 'string' || n === '' || n === '*')) {
    problems.push(`${at} resource_names ${show(names)}, must name exactly one StatefulSet`);
  }
  const extra = verbs.filter((v) => !ALLOWED_VERBS.has(v));
  if (extra.length > 0 || verbs.length === 0)
    problems.push(`${at} verbs ${show(verbs)}, allowed only get and patch`);
  return problems;
}

/** A name as written, or the metadata name of the resource it refers to. */
function nameOf(stack: StackView, value: unknown, type: string): unknown {
  const target = stack.target(value, type);
  return target ? blocks(target.body.metadata)[0]?.name : value;
}

/** Whether a binding's subjects include the scaler's service account. */
function bindsScaler(stack: StackView, binding: Json): boolean {
  return blocks(binding.subject).some(
    (s) =>
      s.kind === 'ServiceAccount' &&
      nameOf(stack, s.name, 'kubernetes_service_account_v1') === PLACEHOLDER_SCALER,
  );
}

function* scalerAccess(stack: StackView): Generator<Outcome> {
  for (const role of stack.resourcesOf('kubernetes_role_v1', 'kubernetes_cluster_role_v1')) {
    const metadata = blocks(role.body.metadata)[0] ?? {};
    if (metadata.name !== PLACEHOLDER_SCALER) continue;
    const rules = blocks(role.body.rule);
    yield outcome(role.address, [
      role.type !== 'kubernetes_role_v1' && 'is a ClusterRole; the scaler needs a namespaced Role',
      rules.length === 0 && 'grants nothing',
      ...rules.flatMap(ruleProblems),
    ]);
  }
  for (const binding of stack.resourcesOf(
    'kubernetes_role_binding_v1',
    'kubernetes_cluster_role_binding_v1',
  )) {
    if (!bindsScaler(stack, binding.body)) continue;
    const ref = blocks(binding.body.role_ref)[0] ?? {};
    const toScalerRole =
      binding.type === 'kubernetes_role_binding_v1' &&
      ref.kind === 'Role' &&
      nameOf(stack, ref.name, 'kubernetes_role_v1') === PLACEHOLDER_SCALER;
    yield outcome(binding.address, [
      !toScalerRole &&
        `binds the ${PLACEHOLDER_SCALER} service account to ${show(ref.kind)} ${show(ref.name)}; bind it only to its own Role`,
    ]);
  }
}

export const SCHEDULE_RULES: Rule[] = [
  {
    id: 'jupyterhub.placeholder-scaler-role',
    severity: 'must',
    title: 'The placeholder CronJobs may only get and patch the scale of one StatefulSet',
    rationale:
      'A broader role lets a scheduled job, or anyone holding its token, change or read other workloads in the hub namespace.',
    anchors: [
      'Kubernetes RBAC good practices: least privilege, resourceNames',
      'checkov CKV_K8S_155/156 (minimise RBAC permissions)',
    ],
    check: scalerAccess,
  },
];
