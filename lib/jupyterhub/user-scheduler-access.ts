import { ClusterRoleBindingV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-binding-v1';
import { ClusterRoleV1, ClusterRoleV1Rule } from '@cdktf/provider-kubernetes/lib/cluster-role-v1';
import { Construct } from 'constructs';
import { JUPYTERHUB_RELEASE, USER_SCHEDULER_LOCK, USER_SCHEDULER_SERVICE_ACCOUNT } from './names';

export interface UserSchedulerAccessProps {
  /** Namespace of the release, where the user scheduler's service account lives. */
  readonly namespace: string;
}

const READ = ['get', 'list', 'watch'];

/**
 * What Kubernetes 1.31 to 1.35 added to the system:kube-scheduler role over the 1.30 one
 * that chart 4.4.0 copies for its user scheduler: leader-election candidates (1.31), volume
 * attachments (1.32) and dynamic resource allocation (1.34). A newer kube-scheduler lacking
 * any of them waits forever for its informers' caches and schedules no user pod.
 */
export const USER_SCHEDULER_EXTRA_RULES: readonly ClusterRoleV1Rule[] = [
  {
    apiGroups: ['coordination.k8s.io'],
    resources: ['leases'],
    resourceNames: [USER_SCHEDULER_LOCK],
    verbs: ['get', 'list', 'update', 'watch'],
  },
  {
    apiGroups: ['coordination.k8s.io'],
    resources: ['leasecandidates'],
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  },
  { apiGroups: ['storage.k8s.io'], resources: ['volumeattachments'], verbs: READ },
  { apiGroups: ['resource.k8s.io'], resources: ['deviceclasses', 'resourceslices'], verbs: READ },
  {
    apiGroups: ['resource.k8s.io'],
    resources: ['resourceclaims', 'resourceclaims/status'],
    verbs: [...READ, 'patch', 'update'],
  },
  { apiGroups: [''], resources: ['pods/finalizers'], verbs: ['update'] },
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
