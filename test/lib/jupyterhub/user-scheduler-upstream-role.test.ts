/**
 * The user scheduler runs the kube-scheduler of its cluster's minor with the chart's 1.30
 * role plus our additions. Both are held here against what Kubernetes gives its own
 * scheduler in that minor: the default ClusterRoles bound to system:kube-scheduler, with
 * default feature gates, as the bootstrap policy test data of the k8s.io/kubernetes module
 * has them (.ci/install-tools.sh takes it). The user scheduler gets nothing upstream does
 * not grant, and what upstream grants beyond it is exactly the list below, each for a
 * stated reason. A new minor whose roles add a grant fails here until the grant is either
 * given or added to that list.
 */
import { readFileSync } from 'fs';
import { parse } from 'yaml';
import { KUBE_SCHEDULER_IMAGE_TAGS } from '../../../lib/versions';
import { KUBE_SCHEDULER_GRANTS } from '../../../tools/policy/rules/jupyterhub';
import { CHARTS } from '../../../lib/platform/charts';
import { helmTemplate } from '../../support/helm-template';
import { resourceAt, StackJson, synthStacks } from '../../support/synth';
import { kubernetesPolicyFile } from '../../support/tools';

const stacks = synthStacks();
const platform = stacks.get('hub-platform-prod')!;
const values: StackJson = parse(resourceAt(platform, 'helm_release', 'jupyterhub/chart/release').values[0]);

/** A rule's permissions as `group/resource[#name]:verb`, the core group as `core`. */
function grants(rules: readonly StackJson[], lock?: string): string[] {
  return rules.flatMap((rule) => {
    const names: string[] = rule.resourceNames ?? rule.resource_names ?? [];
    // The scheduler's own leader-election lease is upstream's kube-scheduler.
    const suffixes = names.length ? names.map((name) => `#${name === lock ? 'kube-scheduler' : name}`) : [''];
    return (rule.apiGroups ?? rule.api_groups).flatMap((group: string) =>
      rule.resources.flatMap((resource: string) =>
        suffixes.flatMap((suffix) =>
          rule.verbs.map((verb: string) => `${group || 'core'}/${resource}${suffix}:${verb}`),
        ),
      ),
    );
  });
}

/** Whether `grant` is allowed by `held`: exactly, or a named grant by the unnamed one. */
function allowed(grant: string, held: ReadonlySet<string>): boolean {
  return held.has(grant) || held.has(grant.replace(/#[^:]+:/, ':'));
}

/** What Kubernetes `minor` grants its own scheduler: every default ClusterRole bound to it. */
function upstreamGrants(minor: string): Set<string> {
  const items = (file: 'cluster-roles.yaml' | 'cluster-role-bindings.yaml'): StackJson[] =>
    parse(readFileSync(kubernetesPolicyFile(minor, file), 'utf8')).items;
  const bound = items('cluster-role-bindings.yaml')
    .filter((b) =>
      b.subjects?.some((s: StackJson) => s.kind === 'User' && s.name === 'system:kube-scheduler'),
    )
    .map((b) => b.roleRef.name);
  // system:kube-scheduler, and system:volume-scheduler for binding volumes.
  if (!bound.includes('system:kube-scheduler'))
    throw new Error(`Kubernetes ${minor}: no system:kube-scheduler binding`);
  return new Set(
    items('cluster-roles.yaml')
      .filter((role) => bound.includes(role.metadata.name))
      .flatMap((role) => grants(role.rules)),
  );
}

/** What upstream grants that the user scheduler goes without, and why it can. */
const NOT_GIVEN: Record<string, string> = {
  'coordination.k8s.io/leases#kube-scheduler:list': 'leader election only gets and updates its lease',
  'coordination.k8s.io/leases#kube-scheduler:watch': 'leader election only gets and updates its lease',
  ...Object.fromEntries(
    ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'].map((verb) => [
      `coordination.k8s.io/leasecandidates:${verb}`,
      'used only with CoordinatedLeaderElection, a beta gate off by default',
    ]),
  ),
  'resource.k8s.io/resourceclaims:update':
    "adds a claim's finalizer when the scheduler allocates it: user pods carry no resource claims (GPUs come through the device plugin)",
  'resource.k8s.io/resourceclaims:patch':
    'as update: for allocating resource claims, which user pods do not have',
  ...Object.fromEntries(
    ['get', 'list', 'watch', 'update', 'patch'].map((verb) => [
      `resource.k8s.io/resourceclaims/status:${verb}`,
      "reads and writes a claim's allocation, for claims user pods do not have (the informer reads the claims themselves)",
    ]),
  ),
  'core/pods/finalizers:update':
    "for claims the scheduler creates on a pod's behalf (DRAExtendedResource, alpha)",
};

describe.each(Object.keys(KUBE_SCHEDULER_IMAGE_TAGS))(
  'what Kubernetes %s gives its own scheduler',
  (minor) => {
    const upstream = upstreamGrants(minor);
    const chart = helmTemplate(CHARTS.jupyterhub, values, 'jupyterhub', minor);
    const named = (kind: string, name: string) =>
      chart.find((doc) => doc.kind === kind && doc.metadata.name === name)!;
    const binding = chart.find(
      (doc) =>
        doc.kind === 'ClusterRoleBinding' &&
        doc.subjects.some((s: StackJson) => s.kind === 'ServiceAccount' && s.name === 'user-scheduler'),
    )!;
    const chartRole = named('ClusterRole', binding.roleRef.name);
    const lock = parse(named('ConfigMap', 'user-scheduler').data['config.yaml']).leaderElection.resourceName;
    const extra = resourceAt(platform, 'kubernetes_cluster_role_v1', 'jupyterhub/user-scheduler-access/role');
    const given = new Set([...grants(chartRole.rules, lock), ...grants(extra.rule, lock)]);

    it('holds everything the user scheduler is given: the chart role and our additions', () => {
      expect([...given].filter((grant) => !allowed(grant, upstream))).toEqual([]);
    });

    it('grants beyond that only what is listed as not needed, with its reason', () => {
      const missing = [...upstream].filter((grant) => !allowed(grant, given));
      expect(missing.sort()).toEqual(Object.keys(NOT_GIVEN).sort());
    });

    it("bounds the policy guard's allowance", () => {
      const allowance = Object.entries(KUBE_SCHEDULER_GRANTS[minor]).flatMap(([key, verbs]) =>
        verbs.map((verb) => `${key.startsWith('/') ? `core${key}` : key}:${verb}`),
      );
      expect(allowance.filter((grant) => !allowed(grant, upstream))).toEqual([]);
    });
  },
);
