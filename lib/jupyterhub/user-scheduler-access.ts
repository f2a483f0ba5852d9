import { ClusterRoleBindingV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-binding-v1';
import { ClusterRoleV1, ClusterRoleV1Rule } from '@cdktf/provider-kubernetes/lib/cluster-role-v1';
import { Construct } from 'constructs';
import { JUPYTERHUB_RELEASE, USER_SCHEDULER_SERVICE_ACCOUNT } from './names';

export interface UserSchedulerAccessProps {
  /** Namespace of the release, where the user scheduler's service account lives. */
  readonly namespace: string;
}

const READ = ['get', 'list', 'watch'];

/**
 * What the kube-scheduler of Kubernetes 1.34 and 1.35 reads beyond the 1.30 role that chart
 * 4.4.0 copies for its user scheduler: volume attachments and, with dynamic resource
 * allocation GA since 1.34, device classes, resource claims and resource slices. Lacking
 * any of them it waits forever for its informers' caches and schedules no user pod.
 * Upstream's own role also lets it write claims, their status and pod finalizers (used
 * only to allocate a pod's resource claims) and lease candidates (coordinated leader
 * election, off by default). User pods carry no resource claims, GPUs coming through the
 * device plugin, so the user scheduler gets none of those writes.
 * test/lib/jupyterhub/user-scheduler-upstream-role.test.ts checks this against each
 * minor's own roles.
 */
export const USER_SCHEDULER_EXTRA_RULES: readonly ClusterRoleV1Rule[] = [
  { apiGroups: ['storage.k8s.io'], resources: ['volumeattachments'], verbs: READ },
  {
    apiGroups: ['resource.k8s.io'],
    resources: ['deviceclasses', 'resourceclaims', 'resourceslices'],
    verbs: READ,
  },
];

/**
 * The rules the user scheduler needs beyond the chart's own role, once its kube-scheduler
 * follows the cluster's minor (lib/versions.ts), bound to the chart's service account.
 */
export class UserSchedulerAccess extends Construct {
  readonly role: ClusterRoleV1;
  readonly binding: ClusterRoleBindingV1;

  constructor(scope: Construct, id: string, props: UserSchedulerAccessProps) {
    super(scope, id);
    const name = `${JUPYTERHUB_RELEASE}-user-scheduler-newer-kubernetes`;
    this.role = new ClusterRoleV1(this, 'role', {
      metadata: { name },
      rule: USER_SCHEDULER_EXTRA_RULES.map((rule) => ({ ...rule })),
    });
    this.binding = new ClusterRoleBindingV1(this, 'binding', {
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: this.role.metadata.name },
      subject: [{ kind: 'ServiceAccount', name: USER_SCHEDULER_SERVICE_ACCOUNT, namespace: props.namespace }],
    });
  }
}
