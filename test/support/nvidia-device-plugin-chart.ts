/**
 * The default values of nvidia-device-plugin 0.20.0, the one chart we deploy that is not in
 * shared/upstream-charts. Transcribed from the chart's values.yaml at tag v0.20.0
 * (NVIDIA/k8s-device-plugin, deployments/helm/nvidia-device-plugin/values.yaml): every
 * top-level key with its default, except the `nfd` subchart's settings, which we never set
 * and which are kept as empty maps. Bump it with CHARTS.nvidiaDevicePlugin.version.
 */
import { Values } from '../../lib/platform/helm-values';

export const NVIDIA_DEVICE_PLUGIN_DEFAULTS: Values = {
  config: { name: '', map: {}, default: '', fallbackStrategies: ['named', 'single'] },
  compatWithCPUManager: null,
  migStrategy: null,
  failOnInitError: null,
  deviceListStrategy: null,
  deviceIDStrategy: null,
  nvidiaDriverRoot: null,
  gdrcopyEnabled: null,
  gdsEnabled: null,
  mofedEnabled: null,
  deviceDiscoveryStrategy: null,
  nameOverride: '',
  fullnameOverride: '',
  namespaceOverride: '',
  selectorLabelsOverride: {},
  allowDefaultNamespace: false,
  imagePullSecrets: [],
  image: { repository: 'nvcr.io/nvidia/k8s-device-plugin', pullPolicy: 'IfNotPresent', tag: '' },
  updateStrategy: { type: 'RollingUpdate' },
  podAnnotations: {},
  podSecurityContext: {},
  securityContext: {},
  resources: {},
  nodeSelector: {},
  // Node feature discovery labels, which we do not deploy.
  affinity: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          {
            matchExpressions: [
              { key: 'feature.node.kubernetes.io/pci-10de.present', operator: 'In', values: ['true'] },
            ],
          },
          {
            matchExpressions: [
              { key: 'feature.node.kubernetes.io/cpu-model.vendor_id', operator: 'In', values: ['NVIDIA'] },
            ],
          },
          { matchExpressions: [{ key: 'nvidia.com/gpu.present', operator: 'In', values: ['true'] }] },
        ],
      },
    },
  },
  tolerations: [
    { key: 'CriticalAddonsOnly', operator: 'Exists' },
    { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
  ],
  priorityClassName: 'system-node-critical',
  runtimeClassName: null,
  devicePlugin: { enabled: true },
  gfd: {
    enabled: false,
    nameOverride: 'gpu-feature-discovery',
    namespaceOverride: '',
    noTimestamp: null,
    sleepInterval: null,
    securityContext: { privileged: true },
  },
  nfd: { nameOverride: 'node-feature-discovery', master: {}, worker: {} },
  mps: { root: '/run/nvidia/mps', enableHostPID: true },
  cdi: { nvidiaHookPath: null, featureFlags: null },
};
