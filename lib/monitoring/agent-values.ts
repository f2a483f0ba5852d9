/**
 * The metrics agent of a reporting hub cluster: the pinned `prometheus` chart's server in
 * agent mode (no local queries, no rules, a write-ahead log it forwards), with
 * kube-state-metrics and node-exporter from the same chart. It scrapes the jobs named in
 * scrape-jobs.ts and remote-writes everything, labelled with the cluster and environment,
 * to the central receiver over TLS with basic authentication.
 *
 * Prometheus 3 (the chart's app version) takes `--agent`; the chart's comment naming
 * `--enable-feature=agent` is Prometheus 2's flag. Agent mode refuses `rule_files`, which
 * the chart's default prometheus.yml lists, so they are removed here.
 */
import { NODE_EXPORTER } from '../daemonsets';
import { CHARTS } from '../platform/charts';
import { Values } from '../platform/helm-values';
import { CLUSTER_CRITICAL, NODE_CRITICAL, corePlacementValues, guaranteed } from '../platform/placement';
import { PodSize, RELOADER_SIZE } from './central-values';
import { AGENT_CREDENTIALS_SECRET, AGENT_RELEASE, DCGM_EXPORTER_PORT, PASSWORD_KEY } from './names';
import { USERNAME_POD_LABEL, kubeStateMetricsLabelsAllowlist } from './rules/selectors';
import { kubeletScrapeJob } from './kubelet-scrape';
import { SCRAPE_JOBS, SERIES_LABELS } from './scrape-jobs';

/** configurable-http-proxy's metrics port (`--metrics-port`), opened to the agent only. */
export const PROXY_METRICS_PORT = 8002;
/** Labels of the agent's server pod: hub access through the chart's network policy, and its own. */
export const AGENT_POD_LABELS: Readonly<Record<string, string>> = {
  'hub.jupyter.org/network-access-hub': 'true',
  'hub.jupyter.org/metrics-agent': 'true',
};
/** Where the agent's pod mounts the hub token and its remote-write password. */
export const HUB_TOKEN_MOUNT = '/etc/metrics-agent/hub-token';
export const REMOTE_WRITE_PASSWORD_MOUNT = '/etc/metrics-agent/remote-write';
const HUB_TOKEN_FILE = 'token';

/** node-exporter's collector of NFS client statistics, off by default. */
export const MOUNTSTATS_FLAG = '--collector.mountstats';

/** The user pods' annotation with the user name (kube-state-metrics' annotation allow-list). */
export const POD_ANNOTATIONS_KEPT = [USERNAME_POD_LABEL];

/** Where the agent finds what it scrapes, in the hub cluster (the loopback test substitutes its own). */
export interface ScrapeTargets {
  /** host:port of the hub's API (its `hub` Service). */
  readonly hub: string;
  /** Namespace of the hub, the proxy and the agent. */
  readonly hubNamespace: string;
  /** host:port of kube-state-metrics. */
  readonly kubeStateMetrics: string;
  /** host:port of cluster-autoscaler's metrics. */
  readonly clusterAutoscaler: string;
  /** Whether the cluster has GPU pools, which run the DCGM exporter. */
  readonly gpus: boolean;
}

export interface ScrapeFiles {
  /** File with the hub token that holds read:metrics. */
  readonly hubTokenFile: string;
}

/**
 * Keeps the pods whose label `label` is `value`, and scrapes them on `port`; labels each
 * target with its node, and with its pod name unless `podLabel` is false.
 */
function podsOn(label: string, value: string, port: number, podLabel = true): Values[] {
  const meta = `__meta_kubernetes_pod_label_${label.replace(/[^a-zA-Z0-9_]/g, '_')}`;
  return [
    { source_labels: [meta], regex: value, action: 'keep' },
    {
      source_labels: ['__meta_kubernetes_pod_ip'],
      regex: '(.+)',
      target_label: '__address__',
      replacement: `$1:${port}`,
    },
    ...(podLabel ? [{ source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' }] : []),
    { source_labels: ['__meta_kubernetes_pod_node_name'], target_label: 'node' },
  ];
}

/** Every scrape job of the agent, named as scrape-jobs.ts names them. */
export function agentScrapeConfigs(targets: ScrapeTargets, files: ScrapeFiles): Values[] {
  const jobs: Values[] = [
    {
      job_name: SCRAPE_JOBS.hub,
      metrics_path: '/hub/metrics',
      // JupyterHub 5 answers 403 without a token; this one's service holds only read:metrics.
      authorization: { credentials_file: files.hubTokenFile },
      static_configs: [{ targets: [targets.hub] }],
    },
    {
      job_name: SCRAPE_JOBS.proxy,
      kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [targets.hubNamespace] } }],
      relabel_configs: podsOn('component', 'proxy', PROXY_METRICS_PORT),
    },
    {
      job_name: SCRAPE_JOBS.kubeStateMetrics,
      // Its series describe other objects: keep their namespace and pod labels.
      honor_labels: true,
      static_configs: [{ targets: [targets.kubeStateMetrics] }],
    },
    {
      job_name: SCRAPE_JOBS.nodeExporter,
      kubernetes_sd_configs: [{ role: 'node' }],
      relabel_configs: [
        {
          source_labels: ['__meta_kubernetes_node_address_InternalIP'],
          regex: '(.+)',
          target_label: '__address__',
          replacement: '$1:9100',
        },
        { source_labels: ['__meta_kubernetes_node_name'], target_label: 'node' },
      ],
    },
    // The chart's cluster role grants nodes/metrics, which the kubelet checks.
    kubeletScrapeJob(SCRAPE_JOBS.kubelet, '/metrics'),
    kubeletScrapeJob(SCRAPE_JOBS.cadvisor, '/metrics/cadvisor'),
    { job_name: SCRAPE_JOBS.clusterAutoscaler, static_configs: [{ targets: [targets.clusterAutoscaler] }] },
  ];
  if (targets.gpus) {
    jobs.push({
      job_name: SCRAPE_JOBS.dcgmExporter,
      // The exporter labels each GPU's series with the pod, namespace and container that
      // hold it (from the kubelet's pod-resources socket): those must win over the target's
      // own labels, or `pod` would name the exporter and the holder become `exported_pod`.
      honor_labels: true,
      kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: ['kube-system'] } }],
      // No `pod` target label: an unheld GPU's series then has none, instead of the exporter's.
      relabel_configs: podsOn('app.kubernetes.io/name', 'dcgm-exporter', DCGM_EXPORTER_PORT, false),
    });
  }
  return jobs;
}

/** The labels every series gets: which cluster and which environment it comes from. */
export function agentExternalLabels(clusterName: string, environment: string): Record<string, string> {
  return { [SERIES_LABELS.cluster]: clusterName, [SERIES_LABELS.environment]: environment };
}

export interface RemoteWriteInputs {
  /** The receiver's URL (https). */
  readonly url: string;
  /** The basic-auth user: the environment's name. */
  readonly username: string;
  readonly passwordFile: string;
  /** CA file to trust, where the receiver's certificate is not publicly trusted. @default the system's */
  readonly caFile?: string;
}

/** The agent's one remote_write entry: TLS 1.2 or later, basic authentication from a file. */
export function agentRemoteWrite(inputs: RemoteWriteInputs): Values {
  return {
    url: inputs.url,
    basic_auth: { username: inputs.username, password_file: inputs.passwordFile },
    tls_config: { min_version: 'TLS12', ...(inputs.caFile ? { ca_file: inputs.caFile } : {}) },
  };
}

export interface AgentValuesInputs {
  readonly clusterName: string;
  readonly environment: string;
  readonly hubNamespace: string;
  /** The receiver's URL, as the central side serves it. */
  readonly receiverUrl: string;
  /** The hub chart's Secret and key holding the metrics service's token. */
  readonly hubTokenSecret: { readonly name: string; readonly key: string };
  readonly clusterAutoscaler: string;
  readonly gpus: boolean;
  readonly server: PodSize;
  /** Tolerations that let node-exporter onto every pool. */
  readonly nodeTolerations: readonly Values[];
}

export function agentValues(inputs: AgentValuesInputs): Values {
  const tags = CHARTS.prometheus.imageTags;
  const scrapeConfigs = agentScrapeConfigs(
    {
      hub: `hub.${inputs.hubNamespace}.svc:8081`,
      hubNamespace: inputs.hubNamespace,
      kubeStateMetrics: `${AGENT_RELEASE}-kube-state-metrics.${inputs.hubNamespace}.svc:8080`,
      clusterAutoscaler: inputs.clusterAutoscaler,
      gpus: inputs.gpus,
    },
    { hubTokenFile: `${HUB_TOKEN_MOUNT}/${HUB_TOKEN_FILE}` },
  );
  return {
    server: {
      image: { tag: tags.server },
      defaultFlagsOverride: [
        '--agent',
        '--config.file=/etc/config/prometheus.yml',
        '--storage.agent.path=/data',
        '--web.enable-lifecycle',
      ],
      global: {
        scrape_interval: '30s',
        scrape_timeout: '10s',
        external_labels: agentExternalLabels(inputs.clusterName, inputs.environment),
      },
      podLabels: { ...AGENT_POD_LABELS },
      // The write-ahead log only bridges a short outage of the receiver; no volume to keep.
      persistentVolume: { enabled: false },
      extraVolumes: [
        {
          name: 'hub-token',
          secret: {
            secretName: inputs.hubTokenSecret.name,
            items: [{ key: inputs.hubTokenSecret.key, path: HUB_TOKEN_FILE }],
          },
        },
        { name: 'remote-write', secret: { secretName: AGENT_CREDENTIALS_SECRET } },
      ],
      extraVolumeMounts: [
        { name: 'hub-token', mountPath: HUB_TOKEN_MOUNT, readOnly: true },
        { name: 'remote-write', mountPath: REMOTE_WRITE_PASSWORD_MOUNT, readOnly: true },
      ],
      resources: guaranteed(inputs.server.cpuMillis, inputs.server.memoryMiB),
      ...corePlacementValues(),
    },
    configmapReload: {
      prometheus: {
        image: { tag: tags.configReloader },
        resources: guaranteed(RELOADER_SIZE.cpuMillis, RELOADER_SIZE.memoryMiB),
      },
    },
    scrapeConfigs: null,
    serverFiles: {
      // remote_write here, not server.remoteWrite: the chart prints what is left of this map
      // after taking scrape_configs, and an empty map would leave a stray `{}` in the file.
      'prometheus.yml': {
        rule_files: null,
        scrape_configs: scrapeConfigs,
        remote_write: [
          agentRemoteWrite({
            url: inputs.receiverUrl,
            username: inputs.environment,
            passwordFile: `${REMOTE_WRITE_PASSWORD_MOUNT}/${PASSWORD_KEY}`,
          }),
        ],
      },
    },
    alertmanager: { enabled: false },
    'prometheus-pushgateway': { enabled: false },
    'kube-state-metrics': {
      enabled: true,
      image: { tag: tags.kubeStateMetrics },
      // The labels the rules and dashboards group by, the profile's among them (rules/selectors.ts).
      metricLabelsAllowlist: [kubeStateMetricsLabelsAllowlist()],
      metricAnnotationsAllowList: [`pods=[${POD_ANNOTATIONS_KEPT.join(',')}]`],
      resources: guaranteed(100, 256),
      // A subchart's defaults are coalesced before ours: an empty affinity, not null, clears its default.
      ...corePlacementValues(),
      affinity: {},
      priorityClassName: CLUSTER_CRITICAL,
    },
    'prometheus-node-exporter': {
      enabled: true,
      image: { tag: tags.nodeExporter },
      resources: guaranteed(NODE_EXPORTER.cpuMillis, NODE_EXPORTER.memoryMiB),
      // NFS client statistics of every mount (node_mountstats_nfs_*): EFS traffic. The
      // kubelet's EFS mounts reach the container through the chart's host-root mount
      // (HostToContainer propagation), so they are in the process's mountstats.
      extraArgs: [MOUNTSTATS_FLAG],
      // The chart's kubernetes.io/os: linux selector holds on every pool; the tolerations admit all of them.
      tolerations: [...inputs.nodeTolerations],
      priorityClassName: NODE_CRITICAL,
    },
  };
}
