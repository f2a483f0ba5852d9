/** Helm releases of the platform: pins, the autoscaler's wiring, infrastructure pod resources. */
import { GPU_TAINT } from '../../../lib/node-scheduling';
import { chartValueProblems, pinnedChartData } from '../../../lib/platform/chart-values';
import { CHARTS, ChartPin } from '../../../lib/platform/charts';
import { HelmRelease, helmReleases, releasesOf, valueAt } from '../helm';
import { StackView } from '../stack-view';
import { Json, Rule } from '../types';
import { outcome, show } from './outcome';
import { cpuCores, memoryValue } from './quantities';

const EXACT_VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const ROLE_ARN_ANNOTATION = 'eks.amazonaws.com/role-arn';

/**
 * Where each infrastructure chart keeps the resources of its long-running pods. JupyterHub
 * paths apply only when that component is on (user-scheduler is on by default).
 */
const INFRASTRUCTURE_RESOURCES: Record<string, ReadonlyArray<{ path: string; when?: string }>> = {
  'cluster-autoscaler': [{ path: 'resources' }],
  'aws-node-termination-handler': [{ path: 'resources' }],
  'aws-efs-csi-driver': [{ path: 'controller.resources' }],
  'nvidia-device-plugin': [{ path: 'resources' }],
  jupyterhub: [
    { path: 'hub.resources' },
    { path: 'proxy.chp.resources' },
    { path: 'scheduling.userScheduler.resources', when: 'scheduling.userScheduler.enabled' },
  ],
};

/** Problems with a pod's resources for Guaranteed QoS: every request set and equal to its limit. */
export function guaranteedProblems(path: string, resources: Json): string[] {
  const problems: string[] = [];
  for (const [name, parse] of [
    ['cpu', cpuCores],
    ['memory', memoryValue],
  ] as const) {
    const request = resources?.requests?.[name];
    const limit = resources?.limits?.[name];
    if (request === undefined || limit === undefined)
      problems.push(`${path}: ${name} request ${show(request)} and limit ${show(limit)} must both be set`);
    else if (parse(request) !== parse(limit))
      problems.push(`${path}: ${name} request ${show(request)} differs from limit ${show(limit)}`);
  }
  return problems;
}

function autoscalers(stack: StackView): HelmRelease[] {
  return releasesOf(stack, 'cluster-autoscaler');
}

export const HELM_RULES: Rule[] = [
  {
    id: 'helm.exact-chart-version',
    severity: 'must',
    title: 'Every Helm release pins an exact chart version',
    rationale:
      'A range or a missing version installs whatever the repository serves on the day of the apply.',
    anchors: ['Helm docs: helm install --version', 'BRIEF: pin everything'],
    *check(stack) {
      for (const release of helmReleases(stack)) {
        yield outcome(release.resource.address, [
          !EXACT_VERSION.test(String(release.version ?? '')) &&
            `version ${show(release.version)} is not an exact chart version`,
        ]);
      }
    },
  },
  {
    id: 'helm.readable-values',
    severity: 'must',
    title: 'Every Helm values entry can be read by the guard',
    rationale:
      'Values the guard cannot read (a file(), a templatefile(), invalid YAML) are values no rule has checked.',
    anchors: [
      'Helm docs: helm install --values (layers merged in order)',
      'terraform-provider-helm docs: helm_release values',
    ],
    *check(stack) {
      for (const release of helmReleases(stack)) yield outcome(release.resource.address, release.unreadable);
    },
  },
  {
    id: 'helm.chart-values',
    severity: 'must',
    title: "Every release's values fit its pinned chart: its schema where it ships one, its keys where not",
    rationale:
      'Helm ignores a misspelt key (proxyy:) and rejects a schema violation only at deploy, after the cluster stack is built.',
    anchors: [
      'Helm docs: Charts, Schema Files (values.schema.json)',
      'zero-to-jupyterhub values.schema.yaml (additionalProperties: false)',
    ],
    *check(stack) {
      for (const release of helmReleases(stack)) {
        const pin = Object.values(CHARTS).find(
          (p: ChartPin) => p.chart === release.chart && p.version === release.version,
        );
        if (!pin) continue; // not a chart the product pins: helm.exact-chart-version and the platform rules speak
        const data = pinnedChartData(pin);
        yield outcome(
          release.resource.address,
          data
            ? chartValueProblems(pin.chart, data, release.values).map(
                (p) =>
                  `${p.path.join('.') || '(top level)'} ${p.message} (chart ${pin.chart} ${pin.version})`,
              )
            : [
                `the data of chart ${pin.chart} ${pin.version} is not on this machine, so its values are unchecked; ` +
                  'set UPSTREAM_CHARTS_DIR or fill the chart cache',
              ],
        );
      }
    },
  },
  {
    id: 'autoscaler.wired',
    severity: 'must',
    title: 'cluster-autoscaler wired to this cluster, with a region and its own role',
    rationale:
      'Without autoDiscovery.clusterName the chart renders nothing; without awsRegion it cannot find its region on hop-limit-1 nodes.',
    anchors: [
      'cluster-autoscaler chart templates/deployment.yaml l.1-2',
      'cluster-autoscaler AWS README: Auto-Discovery Setup',
    ],
    reference: 'RC-18, OL-14',
    *check(stack, synth) {
      const cluster = synth.clusterName(stack);
      for (const release of autoscalers(stack)) {
        const values = release.values;
        const discovered = valueAt(values, 'autoDiscovery.clusterName');
        const located = synth.locate(stack, discovered);
        const roleArn = (valueAt(values, 'rbac.serviceAccount.annotations') as Json)?.[ROLE_ARN_ANNOTATION];
        const role = synth.locate(stack, roleArn);
        yield outcome(release.resource.address, [
          discovered !== cluster &&
            !(located?.resource.type === 'aws_eks_cluster' && located.attribute === 'name') &&
            `autoDiscovery.clusterName is ${show(discovered)}, not this cluster (${cluster ?? 'unknown'})`,
          !valueAt(values, 'awsRegion') && 'awsRegion is not set',
          role?.resource.type !== 'aws_iam_role' &&
            `rbac.serviceAccount.annotations["${ROLE_ARN_ANNOTATION}"] is ${show(roleArn)}, not an IAM role of the product`,
        ]);
      }
    },
  },
  {
    id: 'autoscaler.version-matches-cluster',
    severity: 'must',
    title: 'cluster-autoscaler image minor equals the cluster minor',
    rationale: 'The autoscaler is only tested against the Kubernetes minor it was released with.',
    anchors: ['EKS Best Practices: autoscaling/cluster-autoscaler, Operating the Cluster Autoscaler'],
    reference: 'RC-06, OL-14',
    *check(stack, synth) {
      const version = synth.clusterOf(stack)?.resource.body.version;
      for (const release of autoscalers(stack)) {
        const tag = valueAt(release.values, 'image.tag');
        const minor = /^v?(\d+\.\d+)\.\d+$/.exec(String(tag))?.[1];
        yield outcome(release.resource.address, [
          !minor && `image.tag ${show(tag)} is not an exact v<major>.<minor>.<patch>`,
          minor &&
            minor !== version &&
            `image.tag ${tag} does not match the cluster version ${show(version)}`,
        ]);
      }
    },
  },
  {
    id: 'platform.guaranteed-qos',
    severity: 'must',
    title: 'Infrastructure pods request exactly what they are limited to',
    rationale:
      'BestEffort or Burstable infrastructure pods are evicted first under node pressure (incident report; mybinder #453).',
    anchors: [
      'EKS Best Practices: reliability/dataplane, Implement QoS',
      'jupyterhub/mybinder.org-deploy#453',
      'seed 004 incident report',
    ],
    reference: 'OL-03',
    *check(stack) {
      for (const [chart, paths] of Object.entries(INFRASTRUCTURE_RESOURCES)) {
        for (const release of releasesOf(stack, chart)) {
          const active = paths.filter(({ when }) => !when || valueAt(release.values, when) !== false);
          yield outcome(
            release.resource.address,
            active.flatMap(({ path }) => guaranteedProblems(path, valueAt(release.values, path))),
          );
        }
      }
    },
  },
  {
    id: 'termination-handler.reports-drains',
    severity: 'should',
    title: 'The termination handler says what it drains',
    rationale:
      'It deletes bare notebook pods; without events or a webhook nobody learns why sessions vanished (hackweek notes).',
    anchors: [
      'aws-node-termination-handler values.yaml emitKubernetesEvents, webhookURL',
      'seed 001 hackweek notes',
    ],
    reference: 'OL-12',
    *check(stack) {
      for (const release of releasesOf(stack, 'aws-node-termination-handler')) {
        const values = release.values;
        yield outcome(release.resource.address, [
          valueAt(values, 'emitKubernetesEvents') !== true &&
            !valueAt(values, 'webhookURL') &&
            !valueAt(values, 'webhookURLSecretName') &&
            'neither emitKubernetesEvents nor a webhook is on',
          valueAt(values, 'enableRebalanceDraining') === true &&
            'enableRebalanceDraining drains nodes on a mere rebalance recommendation',
        ]);
      }
    },
  },
  {
    id: 'platform.gpu-device-plugin',
    severity: 'must',
    title: 'The NVIDIA device plugin tolerates the GPU taint',
    rationale:
      'The plugin must run on the tainted GPU nodes to advertise their GPUs; platform.required-releases checks it is installed.',
    anchors: ['EKS Best Practices: aiml/aiml_compute (device plugin)'],
    reference: 'RC-16',
    *check(stack) {
      for (const plugin of releasesOf(stack, 'nvidia-device-plugin')) {
        const tolerated = ((valueAt(plugin.values, 'tolerations') as Json[]) ?? []).some(
          (t: Json) => t.key === GPU_TAINT.key && (t.operator === 'Exists' || t.value === GPU_TAINT.value),
        );
        yield outcome(plugin.resource.address, [
          !tolerated && `tolerations do not include ${GPU_TAINT.key}, so the plugin never runs on GPU nodes`,
        ]);
      }
    },
  },
];
