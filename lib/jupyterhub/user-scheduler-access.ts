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
 * What the system:kube-scheduler role of Kubernetes 1.34 and 1.35, with the feature gates
 * EKS runs (the defaults), grants beyond the 1.30 one that chart 4.4.0 copies for its user
 * scheduler: volume attachments (read) and dynamic resource allocation (GA in 1.34: read
 * claims, device classes and slices; write only a claim's status). A newer kube-scheduler
 * lacking any of them waits forever for its informers' caches and schedules no user pod.
 * Nothing more: not leader-election candidates (CoordinatedLeaderElection, off by
 * default), not writes to claims themselves or pods/finalizers (DRAExtendedResource, alpha),
 * which upstream grants only with those gates on. Its own lease keeps upstream's verbs on
 * the scheduler's own lock.
 */
export const USER_SCHEDULER_EXTRA_RULES: readonly ClusterRoleV1Rule[] = [
  {
    apiGroups: ['coordination.k8s.io'],
    resources: ['leases'],
    resourceNames: [USER_SCHEDULER_LOCK],
    verbs: ['get', 'update'],
  },
  { apiGroups: ['storage.k8s.io'], resources: ['volumeattachments'], verbs: READ },
  {
    apiGroups: ['resource.k8s.io'],
    resources: ['deviceclasses', 'resourceclaims', 'resourceslices'],
    verbs: READ,
  },
  {
    apiGroups: ['resource.k8s.io'],
    resources: ['resourceclaims/status'],
    verbs: [...READ, 'patch', 'update'],
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
