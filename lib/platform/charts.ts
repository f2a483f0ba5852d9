/**
 * Every Helm chart the product installs, pinned to an exact release. The pinned chart data
 * in shared/upstream-charts/<name>-<version>/ matches these versions; tests validate our
 * values against it.
 */
export interface ChartPin {
  /** Chart name in its repository. */
  readonly chart: string;
  readonly repository: string;
  /** Exact chart version. */
  readonly version: string;
}

export const CHARTS = {
  jupyterhub: { chart: 'jupyterhub', repository: 'https://hub.jupyter.org/helm-chart/', version: '4.4.0' },
  clusterAutoscaler: {
    chart: 'cluster-autoscaler',
    repository: 'https://kubernetes.github.io/autoscaler',
    version: '9.59.0',
  },
  nodeTerminationHandler: {
    chart: 'aws-node-termination-handler',
    repository: 'https://aws.github.io/eks-charts',
    version: '0.27.6',
  },
  efsCsiDriver: {
    chart: 'aws-efs-csi-driver',
    repository: 'https://kubernetes-sigs.github.io/aws-efs-csi-driver/',
    version: '4.4.1',
  },
  /** Not in shared/upstream-charts: its values are checked only by our tests. */
  nvidiaDevicePlugin: {
    chart: 'nvidia-device-plugin',
    repository: 'https://nvidia.github.io/k8s-device-plugin',
    version: '0.20.0',
  },
} as const satisfies Record<string, ChartPin>;
