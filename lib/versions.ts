/**
 * Versions pinned in one place. The cluster's Kubernetes minor and the cluster-autoscaler
 * image minor must match, so both are derived from this table.
 */

/** EKS Kubernetes versions in standard support that every chart we deploy accepts. */
export const SUPPORTED_KUBERNETES_VERSIONS = ['1.33', '1.34', '1.35'] as const;
export type KubernetesVersion = (typeof SUPPORTED_KUBERNETES_VERSIONS)[number];
export const DEFAULT_KUBERNETES_VERSION: KubernetesVersion = '1.35';
