/**
 * The scrape job names the hub clusters' metrics agents use, and so the `job` label that
 * recording rules, alerts and dashboards select on. Defined once: a rule that names a job
 * the agents do not scrape would return nothing and never fire.
 */
export const SCRAPE_JOBS = {
  /** JupyterHub's /hub/metrics, scraped with a token that holds only read:metrics. */
  hub: 'jupyterhub',
  /** configurable-http-proxy's metrics. */
  proxy: 'jupyterhub-proxy',
  kubeStateMetrics: 'kube-state-metrics',
  nodeExporter: 'node-exporter',
  kubelet: 'kubelet',
  cadvisor: 'cadvisor',
  clusterAutoscaler: 'cluster-autoscaler',
  /** NVIDIA DCGM exporter, on GPU nodes only. */
  dcgmExporter: 'dcgm-exporter',
} as const;

/**
 * The central Prometheus' own scrape jobs, in the monitoring cluster: named apart from the
 * agents' so that rules about hub clusters never match the monitoring cluster's series.
 */
export const MONITORING_SCRAPE_JOBS = {
  /** Central Prometheus itself. */
  prometheus: 'prometheus',
  /** The monitoring cluster's kubelets: its volumes' kubelet_volume_stats_*. */
  kubelet: 'monitoring-kubelet',
} as const;

export type ScrapeJob = (typeof SCRAPE_JOBS)[keyof typeof SCRAPE_JOBS];

/**
 * Labels every series carries, set by the agent as external labels: the hub cluster's
 * name and the environment's name.
 */
export const SERIES_LABELS = { cluster: 'cluster', environment: 'environment' } as const;
