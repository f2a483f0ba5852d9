/**
 * Every Helm chart the product installs, pinned to an exact release. charts.lock.json pins
 * each package by digest; `npm run charts` unpacks them where the tests read them
 * (lib/platform/chart-data.ts), and the tests check our values against them and render
 * every release with helm.
 */
export interface ChartPin {
  /** Chart name in its repository. */
  readonly chart: string;
  readonly repository: string;
  /** Exact chart version. */
  readonly version: string;
  /**
   * Tags of the chart's images at this version, by image. Our values set each one, so no
   * chart fallback (an empty tag meaning "the appVersion") decides what runs, and a chart
   * bump shows the image change in the plan. Bump them with the version.
   * @default none: the chart's release sets its tags elsewhere
   */
  readonly imageTags?: Readonly<Record<string, string>>;
}

export const CHARTS = {
  jupyterhub: { chart: 'jupyterhub', repository: 'https://hub.jupyter.org/helm-chart/', version: '4.4.0' },
  /** Its image follows the cluster's Kubernetes minor: CLUSTER_AUTOSCALER_IMAGE_TAGS in lib/versions.ts. */
  clusterAutoscaler: {
    chart: 'cluster-autoscaler',
    repository: 'https://kubernetes.github.io/autoscaler',
    version: '9.59.0',
  },
  /** Published only to Public ECR as an OCI artifact (the eks-charts repository stops at 0.21.0). */
  nodeTerminationHandler: {
    chart: 'aws-node-termination-handler',
    repository: 'oci://public.ecr.aws/aws-ec2/helm',
    version: '0.27.6',
    // The chart's tag is "" (v<appVersion>); appVersion of 0.27.6 is 1.25.6.
    imageTags: { handler: 'v1.25.6' },
  },
  efsCsiDriver: {
    chart: 'aws-efs-csi-driver',
    repository: 'https://kubernetes-sigs.github.io/aws-efs-csi-driver/',
    version: '4.4.1',
    // The defaults of the chart's values.yaml at 4.4.1.
    imageTags: {
      driver: 'v3.4.1',
      livenessProbe: 'v2.19.0-eksbuild.3',
      nodeDriverRegistrar: 'v2.17.0-eksbuild.3',
      csiProvisioner: 'v6.3.0-eksbuild.2',
    },
  },
  nvidiaDevicePlugin: {
    chart: 'nvidia-device-plugin',
    repository: 'https://nvidia.github.io/k8s-device-plugin',
    version: '0.20.0',
    // The chart's tag is "" (its appVersion, 0.20.0).
    imageTags: { plugin: 'v0.20.0' },
  },
  /**
   * The central Prometheus (server, Alertmanager) and every hub's metrics agent (server in
   * agent mode, kube-state-metrics, node-exporter). Tags are the appVersions of the chart
   * and its subcharts at 29.27.0.
   */
  prometheus: {
    chart: 'prometheus',
    repository: 'https://prometheus-community.github.io/helm-charts',
    version: '29.27.0',
    imageTags: {
      server: 'v3.14.0',
      configReloader: 'v0.93.1',
      alertmanager: 'v0.34.0',
      kubeStateMetrics: 'v2.20.0',
      nodeExporter: 'v1.12.1',
    },
  },
  grafana: {
    chart: 'grafana',
    repository: 'https://grafana-community.github.io/helm-charts',
    version: '12.11.1',
    // The chart's tag is "" (its appVersion, 13.2.0).
    imageTags: { grafana: '13.2.0' },
  },
  /** NVIDIA DCGM exporter, on GPU nodes of the hub clusters. */
  dcgmExporter: {
    chart: 'dcgm-exporter',
    repository: 'https://nvidia.github.io/dcgm-exporter/helm-charts',
    version: '4.8.2',
    imageTags: { exporter: '4.5.3-4.8.2-distroless' },
  },
} as const satisfies Record<string, ChartPin>;
