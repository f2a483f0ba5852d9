/**
 * Versions pinned in one place. The cluster's Kubernetes minor and the images of the
 * cluster-autoscaler and the user scheduler must agree, so all are derived from here.
 */

/**
 * EKS Kubernetes versions in standard support that every chart we deploy accepts. 1.33
 * left standard support on 2026-07-29 and 1.34 leaves it on 2026-12-02; past that date a
 * cluster is upgraded by AWS (clusters are created with the STANDARD support policy, so
 * they are never billed for extended support). Drop a version here once it leaves.
 */
export const SUPPORTED_KUBERNETES_VERSIONS = ['1.34', '1.35'] as const;
export type KubernetesVersion = (typeof SUPPORTED_KUBERNETES_VERSIONS)[number];
export const DEFAULT_KUBERNETES_VERSION: KubernetesVersion = '1.35';

/**
 * cluster-autoscaler image tag per Kubernetes minor: the autoscaler is only tested against
 * its own minor, so the tag follows the cluster version. Latest patch of each line as
 * promoted to registry.k8s.io (kubernetes/k8s.io#9676).
 */
export const CLUSTER_AUTOSCALER_IMAGE_TAGS: Readonly<Record<KubernetesVersion, string>> = {
  '1.34': 'v1.34.4',
  '1.35': 'v1.35.1',
};

/**
 * kube-scheduler image tag per Kubernetes minor, for the JupyterHub chart's user scheduler
 * (chart 4.4.0 ships v1.30.14). A kube-scheduler may be neither newer than the API server
 * nor more than one minor older, so the tag follows the cluster version. Tags as released
 * to registry.k8s.io: v1.34.7 in kubernetes' CHANGELOG-1.34, v1.35.7 pinned by
 * zero-to-jupyterhub's own dependency updates. A new minor also needs its default RBAC
 * policy in .ci/install-tools.sh: the user scheduler's role is tested against it.
 */
export const KUBE_SCHEDULER_IMAGE_TAGS: Readonly<Record<KubernetesVersion, string>> = {
  '1.34': 'v1.34.7',
  '1.35': 'v1.35.7',
};
