/**
 * The platform stack of every environment as synthesized: pinned releases, wiring to this
 * environment's cluster stack, placement and sizes of the infrastructure pods, and every
 * key we set checked against the pinned charts. Each add-on construct's own behaviour is
 * tested in test/lib/platform/.
 */
import { parse } from 'yaml';
import { HOME_CLAIM, HUB_NAMESPACE, SHARED_CLAIM } from '../../lib/hub-storage';
import { NODE_PURPOSE_LABEL } from '../../lib/node-scheduling';
import { CHARTS } from '../../lib/platform/charts';
import { valueAt } from '../../lib/platform/helm-values';
import { configuredEnvironments, releaseOf, resourcesOf, StackJson, synthStacks } from '../support/synth';
import { unknownKeyPaths } from '../support/upstream-charts';

const stacks = synthStacks();
const environments = configuredEnvironments();
const names = environments.map((e) => e.name);
const platform = (name: string) => stacks.get(`hub-platform-${name}`)!;

/** A reference to an output of this environment's cluster stack, by construct path fragment. */
const clusterOutput = (name: string, fragment: string) =>
  new RegExp(
    `^\\$\\{data\\.terraform_remote_state\\.cross-stack-reference-input-hub-cluster-${name}\\.outputs\\.cross-stack-output-${fragment}`,
  );

const ADD_ON_CHARTS = [
  CHARTS.clusterAutoscaler,
  CHARTS.nodeTerminationHandler,
  CHARTS.efsCsiDriver,
  CHARTS.nvidiaDevicePlugin,
];

/** Values paths of every image tag each chart takes, with the tag it must run (never a floating one). */
const PINNED_IMAGES: Record<string, Record<string, string>> = {
  [CHARTS.clusterAutoscaler.chart]: { 'image.tag': 'v1.35.1' }, // every environment runs Kubernetes 1.35
  [CHARTS.nodeTerminationHandler.chart]: { 'image.tag': 'v1.25.6' },
  [CHARTS.efsCsiDriver.chart]: {
    'image.tag': 'v3.4.1',
    'sidecars.livenessProbe.image.tag': 'v2.19.0-eksbuild.3',
    'sidecars.nodeDriverRegistrar.image.tag': 'v2.17.0-eksbuild.3',
    'sidecars.csiProvisioner.image.tag': 'v6.3.0-eksbuild.2',
  },
  [CHARTS.nvidiaDevicePlugin.chart]: { 'image.tag': 'v0.20.0' },
};

/** A staging variant with the optional settings on: the termination webhook and GPU time-slicing. */
const staging = environments.find((e) => e.name === 'staging')!;
const lab = {
  ...staging,
  name: 'lab',
  network: { ...staging.network, vpcCidr: '10.77.0.0/16' },
  platform: {
    ...staging.platform,
    terminationHandler: { ...staging.platform.terminationHandler, webhookSecretName: 'nth-slack' },
    gpu: { timeSlicingReplicas: 4 },
  },
};
const labStacks = synthStacks([lab]);

describe('HubPlatformStack', () => {
  it.each(names)('%s: every release pinned, linted and atomic, every image at an exact tag', (name) => {
    for (const pin of ADD_ON_CHARTS) {
      const { body, values } = releaseOf(platform(name), pin.chart);
      expect(body).toMatchObject({
        repository: pin.repository,
        version: pin.version,
        lint: true,
        atomic: true,
        namespace: 'kube-system',
      });
      const tags = Object.fromEntries(
        Object.keys(PINNED_IMAGES[pin.chart]).map((path) => [path, valueAt(values, path.split('.'))]),
      );
      expect({ chart: pin.chart, tags }).toEqual({ chart: pin.chart, tags: PINNED_IMAGES[pin.chart] });
    }
  });

  it.each(environments.map((e) => [e.name, e]))(
    '%s: the autoscaler is wired to this cluster',
    (name, env) => {
      const { values } = releaseOf(platform(name), CHARTS.clusterAutoscaler.chart);
      expect(values.autoDiscovery).toEqual({ clusterName: `hub-${name}` });
      expect(values.awsRegion).toBe(env.region);
      expect(values.rbac.serviceAccount.annotations['eks.amazonaws.com/role-arn']).toMatch(
        clusterOutput(name, 'aws_iam_rolecluster-autoscaler-role_'),
      );
      const tag = values.image.tag as string;
      expect(tag).toMatch(/^v\d+\.\d+\.\d+$/);
      expect(tag.slice(1).split('.').slice(0, 2).join('.')).toBe(env.cluster.kubernetesVersion);
      expect(values.extraArgs).toMatchObject({
        'scale-down-unneeded-time': '10m',
        'balance-similar-node-groups': true,
        expander: 'priority,least-waste',
        'expendable-pods-priority-cutoff': -10,
      });
    },
  );

  it.each(names)('%s: the termination handler reads this cluster queue with its own role', (name) => {
    const { values } = releaseOf(platform(name), CHARTS.nodeTerminationHandler.chart);
    expect(values.enableSqsTerminationDraining).toBe(true);
    expect(values.queueURL).toMatch(clusterOutput(name, 'aws_sqs_queuetermination-queue_'));
    expect(values.serviceAccount.annotations).toEqual({
      'eks.amazonaws.com/role-arn': expect.stringMatching(
        clusterOutput(name, 'aws_iam_roletermination-queue_handler-role_'),
      ),
    });
    expect(values.podTerminationGracePeriod).toBe(120);
    expect(values.nodeTerminationGracePeriod as number).toBeGreaterThan(120);
    expect(values).not.toHaveProperty('webhookURL');
    expect(values).not.toHaveProperty('webhookURLSecretName');
  });

  it.each(names)('%s: the EFS CSI controller uses the role of this cluster stack', (name) => {
    const { values } = releaseOf(platform(name), CHARTS.efsCsiDriver.chart);
    expect(values.controller.serviceAccount.annotations['eks.amazonaws.com/role-arn']).toMatch(
      clusterOutput(name, 'aws_iam_roleshared-storage_csi-controller-role_'),
    );
  });

  it.each(names)('%s: infrastructure pods run on core nodes with requests equal to limits', (name) => {
    const stack = platform(name);
    const pods: Array<[string, string[], string[][]]> = [
      [CHARTS.clusterAutoscaler.chart, [], [['resources']]],
      [CHARTS.nodeTerminationHandler.chart, [], [['resources']]],
      [
        CHARTS.efsCsiDriver.chart,
        ['controller'],
        [
          ['controller', 'resources'],
          ['sidecars', 'csiProvisioner', 'resources'],
        ],
      ],
    ];
    for (const [chart, podPath, resourcePaths] of pods) {
      const { values } = releaseOf(stack, chart);
      const pod = valueAt(values, podPath) as StackJson;
      expect(pod.nodeSelector).toEqual({ [NODE_PURPOSE_LABEL]: 'core' });
      expect(pod.priorityClassName).toBe('system-cluster-critical');
      for (const path of resourcePaths) {
        const resources = valueAt(values, path) as StackJson;
        expect(resources.requests).toEqual({
          cpu: expect.stringMatching(/m$/),
          memory: expect.stringMatching(/Mi$/),
        });
        expect(resources.limits).toEqual(resources.requests);
      }
    }
  });

  it.each([
    ...names.map((name) => [name, platform(name)]),
    ['lab (webhook, time-slicing)', labStacks.get('hub-platform-lab')!],
  ])('%s: every value key we set exists in the pinned chart', (_name, stack) => {
    for (const pin of ADD_ON_CHARTS) {
      const { values } = releaseOf(stack as StackJson, pin.chart);
      expect({ chart: pin.chart, unknown: unknownKeyPaths(pin, values) }).toEqual({
        chart: pin.chart,
        unknown: [],
      });
    }
  });

  it.each(names)('%s: the device plugin leaves feature discovery and GPU sharing off', (name) => {
    const { values } = releaseOf(platform(name), CHARTS.nvidiaDevicePlugin.chart);
    expect(values.gfd).toEqual({ enabled: false });
    expect(values).not.toHaveProperty('config');
  });

  it.each(names)('%s: home and shared claims bound to EFS access points in the hub namespace', (name) => {
    const stack = platform(name);
    const claims = resourcesOf(stack, 'kubernetes_persistent_volume_claim_v1').map(([, c]) => c);
    expect(claims.map((c) => c.metadata.name).sort()).toEqual([HOME_CLAIM, SHARED_CLAIM].sort());
    for (const claim of claims) {
      expect(claim.metadata.namespace).toMatch(/^\$\{kubernetes_namespace_v1\..+\.metadata\[0\]\.name\}$/);
      const volumeId = claim.spec.volume_name.match(
        /^\$\{kubernetes_persistent_volume_v1\.(.+)\.metadata\[0\]\.name\}$/,
      )[1];
      const volume = stack.resource.kubernetes_persistent_volume_v1[volumeId];
      const handle: string = volume.spec[0].persistent_volume_source.csi.volume_handle;
      expect(handle).toMatch(
        new RegExp(`^\\$\\{.*aws_efs_file_system.*\\}::\\$\\{.*access-point-${claim.metadata.name}.*\\}$`),
      );
    }
    const [[, namespace]] = resourcesOf(stack, 'kubernetes_namespace_v1');
    expect(namespace.metadata.name).toBe(HUB_NAMESPACE);
    const efs = resourcesOf(stack, 'kubernetes_storage_class_v1').find(([, c]) => c.metadata.name === 'efs')!;
    expect(efs[1].parameters.fileSystemId).toMatch(clusterOutput(name, 'aws_efs_file_systemshared-storage_'));
  });

  it('posts to the configured webhook naming the node and its pods, and shares GPUs when asked', () => {
    const stack = labStacks.get('hub-platform-lab')!;
    const nth = releaseOf(stack, CHARTS.nodeTerminationHandler.chart).values;
    expect(nth.webhookURLSecretName).toBe('nth-slack');
    expect(nth.webhookTemplate).toMatch(/^\{"text":\{\{ printf "\[hub-lab\] Node %s /);

    const plugin = releaseOf(stack, CHARTS.nvidiaDevicePlugin.chart).values;
    expect(plugin.config.default).toBe('default');
    expect(parse(plugin.config.map.default).sharing.timeSlicing.resources).toEqual([
      { name: 'nvidia.com/gpu', replicas: 4 },
    ]);
    // The empty GPU pool tells the autoscaler what a node will advertise: one T4 as 4 GPUs.
    const gpuTags = resourcesOf(labStacks.get('hub-cluster-lab')!, 'aws_autoscaling_group_tag')
      .map(([, t]) => t.tag)
      .filter((tag) => tag.key === 'k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu');
    expect(gpuTags.map((tag) => tag.value)).toEqual(['4']);
  });
});
