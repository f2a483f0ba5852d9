/**
 * The label matchers rules, alerts and dashboards share, built once from the names the
 * rest of the stack defines: scrape jobs, the hub namespace, the chart's pod and container
 * names, node labels. A rule that selected a pod the chart does not create would return
 * nothing and never fire, so none of these strings is typed twice.
 */
import { HUB_NAMESPACE } from '../../hub-storage';
import { PROFILE_LABEL } from '../../jupyterhub/names';
import { NODE_POOL_LABEL, NODE_PURPOSE_LABEL } from '../../node-scheduling';
import { SCRAPE_JOBS, SERIES_LABELS } from '../scrape-jobs';

/** Rules aggregate per environment: every series carries it (the agents' external label). */
export const ENV = SERIES_LABELS.environment;
export const CLUSTER = SERIES_LABELS.cluster;

export const job = (name: keyof typeof SCRAPE_JOBS): string => `job="${SCRAPE_JOBS[name]}"`;

/** The hub's namespace, where the chart puts hub, proxy, placeholders and user servers. */
export const HUB_NS = `namespace="${HUB_NAMESPACE}"`;

/**
 * Single-user server pods: KubeSpawner names them `jupyter-<user>[--<server>]`
 * (its `pod_name_template`); no other pod of the chart starts with `jupyter-`.
 */
export const USER_POD_PREFIX = 'jupyter-';
export const USER_POD = `pod=~"${USER_POD_PREFIX}.+"`;

/** The chart's user-placeholder StatefulSet's pods. */
export const PLACEHOLDER_POD = 'pod=~"user-placeholder-[0-9]+"';

/** Container names in the chart's hub and proxy pods. */
export const HUB_CONTAINER = 'container="hub"';
export const PROXY_CONTAINER = 'container="chp"';

/** kube-state-metrics spells the extended resource `nvidia.com/gpu` this way. */
export const GPU_RESOURCE_KSM = 'resource="nvidia_com_gpu"';

/**
 * The pod and node labels kube-state-metrics must export (its `--metric-labels-allowlist`)
 * for the rules and dashboards that group by pool, instance type, profile or user.
 * kube-state-metrics 2.x exports no labels unless listed; the metrics agent passes exactly
 * this list to it.
 */
export const PROFILE_POD_LABEL = PROFILE_LABEL;
export const USERNAME_POD_LABEL = 'hub.jupyter.org/username';
export const INSTANCE_TYPE_LABEL = 'node.kubernetes.io/instance-type';
export const KUBE_STATE_METRICS_LABELS_ALLOWLIST = {
  nodes: [NODE_POOL_LABEL, NODE_PURPOSE_LABEL, INSTANCE_TYPE_LABEL],
  // component and app: the chart's labels on hub, proxy and placeholder pods.
  pods: [USERNAME_POD_LABEL, 'component', 'app', PROFILE_POD_LABEL],
} as const;

/** The `--metric-labels-allowlist` argument's value, as kube-state-metrics parses it. */
export function kubeStateMetricsLabelsAllowlist(): string {
  return Object.entries(KUBE_STATE_METRICS_LABELS_ALLOWLIST)
    .map(([kind, labels]) => `${kind}=[${labels.join(',')}]`)
    .join(',');
}

/** How kube-state-metrics names an exported Kubernetes label (`a.b/c-d` -> `label_a_b_c_d`). */
export function ksmLabel(kubernetesLabel: string): string {
  return `label_${kubernetesLabel.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

export const NODE_POOL = ksmLabel(NODE_POOL_LABEL);
export const NODE_PURPOSE = ksmLabel(NODE_PURPOSE_LABEL);
export const PROFILE = ksmLabel(PROFILE_POD_LABEL);

/** JupyterHub's handlers that hold a request open while a server starts or stops, or stream. */
export const LONG_HANDLERS =
  'handler!~".*(SpawnProgressAPIHandler|UserServerAPIHandler|SpawnHandler|SpawnPendingHandler)"';
