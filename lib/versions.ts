/**
 * Versions pinned in one place. The cluster's Kubernetes minor and the cluster-autoscaler
 * image minor must match, so both are derived from this table.
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
