/**
 * A scrape job for the kubelets of the cluster Prometheus runs in: each node's kubelet
 * endpoint (port 10250, the node's address in Kubernetes discovery), authenticated with
 * the pod's service-account token. The kubelet authorizes `GET /metrics` as `get` on
 * `nodes/metrics` and `GET /metrics/cadvisor` the same way; discovery needs `list` and
 * `watch` on `nodes`. That is all {@link KUBELET_SCRAPE_RULES} grants: no `nodes/proxy`,
 * which would also open the kubelet's exec and log endpoints. EKS kubelets serve a
 * self-signed certificate, so it is not verified (as the chart's own node jobs do); the
 * token still authenticates Prometheus to the kubelet.
 */
import { Values } from '../platform/helm-values';

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export function kubeletScrapeJob(jobName: string, metricsPath: string): Values {
  return {
    job_name: jobName,
    scheme: 'https',
    metrics_path: metricsPath,
    tls_config: { ca_file: `${SERVICE_ACCOUNT_DIR}/ca.crt`, insecure_skip_verify: true },
    authorization: { credentials_file: `${SERVICE_ACCOUNT_DIR}/token` },
    kubernetes_sd_configs: [{ role: 'node' }],
    relabel_configs: [{ source_labels: ['__meta_kubernetes_node_name'], target_label: 'node' }],
  };
}

/** The cluster-role rules a kubelet scrape needs, and nothing more. */
export const KUBELET_SCRAPE_RULES: readonly Values[] = [
  { apiGroups: [''], resources: ['nodes'], verbs: ['list', 'watch'] },
  { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] },
];
