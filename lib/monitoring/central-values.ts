/**
 * The typed values of the central `prometheus` release: the server as a long-term store
 * with the remote-write receiver on and basic authentication on every endpoint, the rule
 * files, and Alertmanager with its Slack webhook read from a mounted Secret. Every pod is
 * Guaranteed (requests equal limits) and on the core pool.
 */
import { parse, stringify } from 'yaml';
import { CHARTS } from '../platform/charts';
import { Values } from '../platform/helm-values';
import { corePlacementValues, guaranteed } from '../platform/placement';
import { alertmanagerConfig } from './alertmanager-config';
import { KUBELET_SCRAPE_RULES, kubeletScrapeJob } from './kubelet-scrape';
import {
  GRAFANA_READER_USER,
  PASSWORD_KEY,
  PROMETHEUS_PORT,
  READER_SECRET,
  SLACK_WEBHOOK_KEY,
  SLACK_WEBHOOK_MOUNT,
  SLACK_WEBHOOK_SECRET,
  WEB_CONFIG_KEY,
  WEB_CONFIG_MOUNT,
  WEB_CONFIG_SECRET,
} from './names';
import { MONITORING_SCRAPE_JOBS } from './scrape-jobs';

/** Size of a container: CPU in millicores, memory in MiB, as both request and limit. */
export interface PodSize {
  readonly cpuMillis: number;
  readonly memoryMiB: number;
}

/** The config reloader sidecars: small, but sized, so their pods stay Guaranteed. */
export const RELOADER_SIZE: PodSize = { cpuMillis: 50, memoryMiB: 64 };

/** Where the reader's password is mounted in the server pod (for the self-scrape). */
export const READER_PASSWORD_MOUNT = '/etc/prometheus-reader';
/** The environment variable the reloader reads the reader's password from. */
const RELOADER_PASSWORD_ENV = 'PROMETHEUS_READER_PASSWORD';
/** Where the chart mounts serverFiles in the server pod. */
export const SERVER_CONFIG_DIR = '/etc/config';

export interface CentralValuesInputs {
  readonly retentionDays: number;
  readonly volumeSizeGiB: number;
  readonly server: PodSize;
  readonly alertmanager: PodSize & { readonly volumeSizeGiB: number };
  /** StorageClass of both volumes (gp3). */
  readonly storageClass: string;
  /** Labels of the pool the pods run on. */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** Rule files by name, as YAML text. */
  readonly ruleFiles: Readonly<Record<string, string>>;
}

const sized = (size: PodSize) => guaranteed(size.cpuMillis, size.memoryMiB);

/**
 * The server's RBAC in place of the chart's (whose cluster role also reads pods, services,
 * endpoints, ingresses and config maps, none of which the central store scrapes): only
 * what its kubelet job needs. Rendered by the chart (`extraManifests`, through `tpl`), so
 * the binding names the chart's own service account and namespace.
 */
export function centralServerRbac(): string[] {
  const name = '{{ include "prometheus.clusterRoleName" . }}';
  return [
    stringify({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name },
      rules: KUBELET_SCRAPE_RULES,
    }),
    stringify({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name },
      subjects: [
        {
          kind: 'ServiceAccount',
          name: '{{ include "prometheus.serviceAccountName.server" . }}',
          namespace: '{{ include "prometheus.namespace" . }}',
        },
      ],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    }),
  ];
}

export function centralPrometheusValues(inputs: CentralValuesInputs): Values {
  const tags = CHARTS.prometheus.imageTags;
  const placement = { ...corePlacementValues(), nodeSelector: { ...inputs.nodeSelector } };
  const ruleFiles = Object.fromEntries(
    Object.entries(inputs.ruleFiles).map(([name, text]) => [name, parse(text) as unknown]),
  );
  const webhookUrlFile = `${SLACK_WEBHOOK_MOUNT}/${SLACK_WEBHOOK_KEY}`;
  return {
    server: {
      image: { tag: tags.server },
      retention: `${inputs.retentionDays}d`,
      // The receiver (Prometheus 3: a flag, no longer a feature) and reloads by the sidecar.
      extraFlags: ['web.enable-lifecycle', 'web.enable-remote-write-receiver'],
      // Basic authentication on every endpoint, the receiver included (bcrypt hashes from AWS).
      extraArgs: { 'web.config.file': `${WEB_CONFIG_MOUNT}/${WEB_CONFIG_KEY}` },
      extraSecretMounts: [
        { name: 'web-config', mountPath: WEB_CONFIG_MOUNT, secretName: WEB_CONFIG_SECRET, readOnly: true },
        { name: 'reader', mountPath: READER_PASSWORD_MOUNT, secretName: READER_SECRET, readOnly: true },
      ],
      // HTTP probes would meet the basic authentication; a TCP probe needs no password in the pod spec.
      tcpSocketProbeEnabled: true,
      persistentVolume: {
        enabled: true,
        size: `${inputs.volumeSizeGiB}Gi`,
        storageClass: inputs.storageClass,
        accessModes: ['ReadWriteOnce'],
      },
      // One ReadWriteOnce volume: the old pod must let go of it before the new one starts.
      strategy: { type: 'Recreate' },
      resources: sized(inputs.server),
      ...placement,
    },
    configmapReload: {
      // The reload endpoint is behind the same authentication; Kubernetes expands the
      // variable in the argument, so the password stays in the Secret.
      reloadUrl: `http://${GRAFANA_READER_USER}:$(${RELOADER_PASSWORD_ENV})@127.0.0.1:${PROMETHEUS_PORT}/-/reload`,
      env: [
        {
          name: RELOADER_PASSWORD_ENV,
          valueFrom: { secretKeyRef: { name: READER_SECRET, key: PASSWORD_KEY } },
        },
      ],
      prometheus: { image: { tag: tags.configReloader }, resources: sized(RELOADER_SIZE) },
    },
    // The chart's default jobs scrape this cluster's pods and services; the central store
    // receives, and scrapes only itself and its own cluster's kubelets (its volumes' fill).
    scrapeConfigs: null,
    rbac: { create: false },
    extraManifests: centralServerRbac(),
    serverFiles: {
      'prometheus.yml': {
        rule_files: Object.keys(ruleFiles).map((name) => `${SERVER_CONFIG_DIR}/${name}`),
        scrape_configs: [
          {
            job_name: MONITORING_SCRAPE_JOBS.prometheus,
            static_configs: [{ targets: [`localhost:${PROMETHEUS_PORT}`] }],
            basic_auth: {
              username: GRAFANA_READER_USER,
              password_file: `${READER_PASSWORD_MOUNT}/${PASSWORD_KEY}`,
            },
          },
          // kubelet_volume_stats_* of the monitoring volumes, for MonitoringDiskFilling.
          kubeletScrapeJob(MONITORING_SCRAPE_JOBS.kubelet, '/metrics'),
        ],
      },
      ...ruleFiles,
    },
    alertmanager: {
      enabled: true,
      image: { tag: tags.alertmanager },
      config: { enabled: true, ...alertmanagerConfig({ webhookUrlFile }) },
      extraSecretMounts: [
        {
          name: 'slack-webhook',
          mountPath: SLACK_WEBHOOK_MOUNT,
          secretName: SLACK_WEBHOOK_SECRET,
          readOnly: true,
        },
      ],
      persistence: {
        enabled: true,
        size: `${inputs.alertmanager.volumeSizeGiB}Gi`,
        storageClass: inputs.storageClass,
      },
      resources: sized(inputs.alertmanager),
      configmapReload: { resources: sized(RELOADER_SIZE) },
      ...placement,
      // A subchart's defaults are coalesced before ours: an empty affinity, not null, clears its default.
      affinity: {},
    },
    'kube-state-metrics': { enabled: false },
    'prometheus-node-exporter': { enabled: false },
    'prometheus-pushgateway': { enabled: false },
  };
}
