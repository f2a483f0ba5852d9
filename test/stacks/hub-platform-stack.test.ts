import { parse } from 'yaml';
import { EFS_CSI_NODE, NVIDIA_DEVICE_PLUGIN } from '../../lib/daemonsets';
import { HOME_CLAIM, HUB_NAMESPACE, NOTEBOOK_UID, SHARED_CLAIM } from '../../lib/hub-storage';
import { NODE_PURPOSE_LABEL } from '../../lib/node-scheduling';
import { CHARTS, ChartPin } from '../../lib/platform/charts';
import { Values } from '../../lib/platform/helm-values';
import { configuredEnvironments, resourcesOf, StackJson, synthStacks } from '../support/synth';
import { unknownKeyPaths } from '../support/upstream-charts';

const stacks = synthStacks();
const environments = configuredEnvironments();
const names = environments.map((e) => e.name);
const platform = (name: string) => stacks.get(`hub-platform-${name}`)!;

/** The release of `pin` in a platform stack, with its single values document parsed. */
function release(stack: StackJson, pin: ChartPin): { body: StackJson; values: Values } {
  const matches = resourcesOf(stack, 'helm_release').filter(([, r]) => r.chart === pin.chart);
  expect(matches).toHaveLength(1);
  const [[, body]] = matches;
  expect(body.values).toHaveLength(1);
  return { body, values: parse(body.values[0]) };
}

/** A reference to an output of this environment's cluster stack, by construct path fragment. */
const clusterOutput = (name: string, fragment: string) =>
  new RegExp(
    `^\\$\\{data\\.terraform_remote_state\\.cross-stack-reference-input-hub-cluster-${name}\\.outputs\\.cross-stack-output-${fragment}`,
  );

const PLATFORM_CHARTS = [CHARTS.clusterAutoscaler, CHARTS.nodeTerminationHandler, CHARTS.efsCsiDriver];

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

const valueAt = (values: Values, path: string) =>
  path.split('.').reduce<unknown>((node, key) => (node as Values | undefined)?.[key], values);

describe('HubPlatformStack', () => {
  it.each(names)('%s: every release pinned, linted and atomic, every image at an exact tag', (name) => {
    for (const pin of [...PLATFORM_CHARTS, CHARTS.nvidiaDevicePlugin]) {
      const { body, values } = release(platform(name), pin);
      expect(body).toMatchObject({
        repository: pin.repository,
        version: pin.version,
        lint: true,
        atomic: true,
        namespace: 'kube-system',
      });
      const tags = Object.fromEntries(
        Object.keys(PINNED_IMAGES[pin.chart]).map((path) => [path, valueAt(values, path)]),
      );
      expect({ chart: pin.chart, tags }).toEqual({ chart: pin.chart, tags: PINNED_IMAGES[pin.chart] });
    }
  });

  it.each(environments.map((e) => [e.name, e]))(
    '%s: the autoscaler is wired to this cluster',
    (name, env) => {
      const { values } = release(platform(name), CHARTS.clusterAutoscaler);
      expect(values.autoDiscovery).toEqual({ clusterName: `hub-${name}` });
      expect(values.awsRegion).toBe(env.region);
      const annotations = (values.rbac as Values & { serviceAccount: Values }).serviceAccount
        .annotations as Values;
      expect(annotations['eks.amazonaws.com/role-arn']).toMatch(
        clusterOutput(name, 'aws_iam_rolecluster-autoscaler-role_'),
      );
      const tag = (values.image as Values).tag as string;
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
    const { values } = release(platform(name), CHARTS.nodeTerminationHandler);
    expect(values.enableSqsTerminationDraining).toBe(true);
    expect(values.queueURL).toMatch(clusterOutput(name, 'aws_sqs_queuetermination-queue_'));
    expect((values.serviceAccount as Values).annotations).toEqual({
      'eks.amazonaws.com/role-arn': expect.stringMatching(
        clusterOutput(name, 'aws_iam_roletermination-queue_handler-role_'),
      ),
    });
    expect(values.emitKubernetesEvents).toBe(true);
    expect(values.checkTagBeforeDraining).toBe(true);
    expect(values.podTerminationGracePeriod).toBe(120);
    expect(values.nodeTerminationGracePeriod as number).toBeGreaterThan(120);
    expect(values).not.toHaveProperty('webhookURL');
  });

  it.each(names)('%s: infrastructure pods run on core nodes with requests equal to limits', (name) => {
    const stack = platform(name);
    const pods: Array<[ChartPin, string[], string[][]]> = [
      [CHARTS.clusterAutoscaler, [], [['resources']]],
      [CHARTS.nodeTerminationHandler, [], [['resources']]],
      [
        CHARTS.efsCsiDriver,
        ['controller'],
        [
          ['controller', 'resources'],
          ['sidecars', 'csiProvisioner', 'resources'],
        ],
      ],
    ];
    for (const [pin, podPath, resourcePaths] of pods) {
      const { values } = release(stack, pin);
      const pod = podPath.reduce((node, key) => node[key] as Values, values);
      expect(pod.nodeSelector).toEqual({ [NODE_PURPOSE_LABEL]: 'core' });
      expect(pod.priorityClassName).toBe('system-cluster-critical');
      for (const path of resourcePaths) {
        const resources = path.reduce((node, key) => node[key] as Values, values) as Values;
        expect(resources.requests).toBeDefined();
        expect(resources.limits).toEqual(resources.requests);
      }
    }
  });

  it('sizes the node DaemonSets from lib/daemonsets.ts, which the capacity maths subtracts', () => {
    const efs = release(platform('prod'), CHARTS.efsCsiDriver).values as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const containers = [
      efs.node.resources,
      efs.sidecars.livenessProbe.resources,
      efs.sidecars.nodeDriverRegistrar.resources,
    ];
    const milli = (cpu: string) => Number(cpu.replace(/m$/, ''));
    const mebi = (memory: string) => Number(memory.replace(/Mi$/, ''));
    expect(containers.reduce((sum, r) => sum + milli(r.requests.cpu), 0)).toBe(EFS_CSI_NODE.cpuMillis);
    expect(containers.reduce((sum, r) => sum + mebi(r.requests.memory), 0)).toBe(EFS_CSI_NODE.memoryMiB);
    containers.forEach((r) => expect(r.limits).toEqual(r.requests));

    const plugin = release(platform('prod'), CHARTS.nvidiaDevicePlugin).values as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(plugin.resources.requests).toEqual({
      cpu: `${NVIDIA_DEVICE_PLUGIN.cpuMillis}m`,
      memory: `${NVIDIA_DEVICE_PLUGIN.memoryMiB}Mi`,
    });
    expect(plugin.resources.limits).toEqual(plugin.resources.requests);
  });

  it.each(names)('%s: every value key we set exists in the pinned chart', (name) => {
    for (const pin of [...PLATFORM_CHARTS, CHARTS.nvidiaDevicePlugin]) {
      const { values } = release(platform(name), pin);
      expect({ chart: pin.chart, unknown: unknownKeyPaths(pin, values) }).toEqual({
        chart: pin.chart,
        unknown: [],
      });
    }
  });

  it.each(names)('%s: the device plugin leaves feature discovery and sharing off', (name) => {
    const { values } = release(platform(name), CHARTS.nvidiaDevicePlugin);
    expect(values.gfd).toEqual({ enabled: false });
    expect(values).not.toHaveProperty('config'); // time-slicing is off by default
  });

  it.each(names)('%s: home and shared claims bound to EFS access points in the hub namespace', (name) => {
    const stack = platform(name);
    const claims = resourcesOf(stack, 'kubernetes_persistent_volume_claim_v1').map(([, c]) => c);
    expect(claims.map((c) => c.metadata.name).sort()).toEqual([HOME_CLAIM, SHARED_CLAIM].sort());
    for (const claim of claims) {
      expect(claim.metadata.namespace).toMatch(/^\$\{kubernetes_namespace_v1\..+\.metadata\[0\]\.name\}$/);
      expect(claim.spec.access_modes).toEqual(['ReadWriteMany']);
      const volumeId = claim.spec.volume_name.match(
        /^\$\{kubernetes_persistent_volume_v1\.(.+)\.metadata\[0\]\.name\}$/,
      )[1];
      const volume = stack.resource.kubernetes_persistent_volume_v1[volumeId];
      expect(volume.spec[0].persistent_volume_reclaim_policy).toBe('Retain');
      const handle: string = volume.spec[0].persistent_volume_source.csi.volume_handle;
      expect(handle).toMatch(
        new RegExp(`^\\$\\{.*aws_efs_file_system.*\\}::\\$\\{.*access-point-${claim.metadata.name}.*\\}$`),
      );
    }
    const [[, namespace]] = resourcesOf(stack, 'kubernetes_namespace_v1');
    expect(namespace.metadata.name).toBe(HUB_NAMESPACE);
  });

  it('makes encrypted gp3 the default class and provisions EFS volumes as the notebook user', () => {
    const classes = resourcesOf(platform('hackweek'), 'kubernetes_storage_class_v1').map(([, c]) => c);
    const defaults = classes.filter(
      (c) => c.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true',
    );
    expect(defaults.map((c) => c.metadata.name)).toEqual(['gp3']);
    expect(defaults[0]).toMatchObject({
      storage_provisioner: 'ebs.csi.aws.com',
      parameters: { type: 'gp3', encrypted: 'true' },
      volume_binding_mode: 'WaitForFirstConsumer',
    });
    const efs = classes.find((c) => c.storage_provisioner === 'efs.csi.aws.com')!;
    expect(efs.parameters).toMatchObject({ provisioningMode: 'efs-ap', uid: String(NOTEBOOK_UID) });
    expect(efs.parameters.fileSystemId).toMatch(/aws_efs_file_system/);
  });

  it('posts to the configured webhook naming the node and its pods, and shares GPUs when asked, with chart keys only', () => {
    const env = environments.find((e) => e.name === 'staging')!;
    const lab = {
      ...env,
      name: 'lab',
      network: { ...env.network, vpcCidr: '10.77.0.0/16' },
      platform: {
        ...env.platform,
        terminationHandler: { ...env.platform.terminationHandler, webhookSecretName: 'nth-slack' },
        gpu: { timeSlicingReplicas: 4 },
      },
    };
    const labStacks = synthStacks([lab]);
    const stack = labStacks.get('hub-platform-lab')!;
    const nth = release(stack, CHARTS.nodeTerminationHandler).values;
    expect(nth.webhookURLSecretName).toBe('nth-slack');
    const template = nth.webhookTemplate as string;
    expect(template).toMatch(
      /^\{"text":\{\{ printf "\[hub-lab\] Node %s .*" \.NodeName .* \(join ", " \.Pods\) \| toJson \}\}\}$/,
    );

    for (const pin of [...PLATFORM_CHARTS, CHARTS.nvidiaDevicePlugin]) {
      const { values } = release(stack, pin);
      expect({ chart: pin.chart, unknown: unknownKeyPaths(pin, values) }).toEqual({
        chart: pin.chart,
        unknown: [],
      });
    }

    const plugin = release(stack, CHARTS.nvidiaDevicePlugin).values as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
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
