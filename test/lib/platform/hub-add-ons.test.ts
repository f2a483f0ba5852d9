/**
 * HubAddOns builds the platform's add-ons and fails the synth when the layers disagree.
 * Every check is exercised here through the real stacks: a values overlay, a platform
 * stack given the wrong cluster, a cluster stack whose pools or mount targets changed, or a
 * changed shared constant. Each must stop the build with its own message.
 */
import { Testing } from 'cdktf';
import { checkPlatformWiring } from '../../../config/platform-checks';
import { Environment } from '../../../config/schema';
import { GPU_TAINT, USER_PLACEHOLDER_PRIORITY } from '../../../lib/node-scheduling';
import { CHARTS, ChartPin } from '../../../lib/platform/charts';
import { VALUES_DIR_CONTEXT, Values, valueAt, withChartDefaults } from '../../../lib/platform/helm-values';
import { HubAddOns } from '../../../lib/platform/hub-add-ons';
import { Placement, placementOf } from '../../../lib/platform/placement';
import { buildStacks } from '../../../stacks/build';
import { HubClusterStack } from '../../../stacks/hub-cluster-stack';
import { HubPlatformStack } from '../../../stacks/hub-platform-stack';
import { configProblems, configuredEnvironments, resourcesOf } from '../../support/synth';
import { chartDefaults } from '../../support/upstream-charts';
import { onlyValues, valuesWith } from '../../support/values-dir';

const hackweek = configuredEnvironments().find((e) => e.name === 'hackweek')!;

interface Build {
  /** Construct context, e.g. another values folder. */
  readonly context?: Record<string, unknown>;
  /** Changes the cluster stack after it is built, before the platform stack reads it. */
  readonly breakCluster?: (cluster: HubClusterStack) => void;
  /** The environment the platform stack is built for. @default hackweek */
  readonly platformEnv?: Environment;
}

/** The hackweek cluster stack and a platform stack on it, as stacks/build.ts wires them. */
function buildHackweek(
  options: Build = {},
  stacks = { HubClusterStack, HubPlatformStack },
): HubPlatformStack {
  const app = Testing.app({ context: options.context });
  const cluster = new stacks.HubClusterStack(app, 'hub-cluster-hackweek', hackweek);
  options.breakCluster?.(cluster);
  const env = options.platformEnv ?? hackweek;
  return new stacks.HubPlatformStack(app, `hub-platform-${env.name}`, env, cluster);
}

describe('HubAddOns', () => {
  it('builds every add-on for an environment with GPU pools, with nothing to complain about', () => {
    const addOns = buildHackweek().addOns;
    expect(addOns.wiring.placements.map((p) => p.component).sort()).toEqual([
      'aws-efs-csi-driver',
      'aws-node-termination-handler',
      'cluster-autoscaler',
      'nvidia-device-plugin',
    ]);
    expect(addOns.wiring.clusterName).toBe('hub-hackweek');
    expect(addOns.wiring.autoscaler).toEqual({ clusterName: 'hub-hackweek', expendablePriorityCutoff: -10 });
    expect(addOns.wiring.mountTargetZones).toEqual(['AZ 0', 'AZ 1', 'AZ 2']);
  });

  it('leaves the device plugin out of an environment without GPU pools', () => {
    const cpuOnly: Environment = {
      ...hackweek,
      name: 'cpuonly',
      network: { ...hackweek.network, vpcCidr: '10.78.0.0/16' },
      nodePools: { ...hackweek.nodePools, gpu: {} },
      hub: { ...hackweek.hub, profiles: hackweek.hub.profiles.filter((p) => p.gpus === 0) },
    };
    const app = Testing.app();
    const { platform } = buildStacks(app, [cpuOnly]).get('cpuonly')!;
    expect(platform.addOns.devicePlugin).toBeUndefined();
    expect(platform.addOns.wiring.placements.map((p) => p.component)).not.toContain('nvidia-device-plugin');
    const charts = resourcesOf(JSON.parse(Testing.synth(platform)), 'helm_release').map(([, r]) => r.chart);
    expect(charts).not.toContain('nvidia-device-plugin');
  });

  it('creates the volumes and storage classes only after the EFS CSI driver', () => {
    const stack = JSON.parse(Testing.synth(buildHackweek()));
    const [[driverId]] = resourcesOf(stack, 'helm_release').filter(
      ([, r]) => r.chart === 'aws-efs-csi-driver',
    );
    const storage = [
      ...resourcesOf(stack, 'kubernetes_persistent_volume_v1'),
      ...resourcesOf(stack, 'kubernetes_storage_class_v1').filter(([, c]) => c.metadata.name === 'efs'),
    ];
    expect(storage).toHaveLength(3);
    for (const [, resource] of storage) expect(resource.depends_on).toContain(`helm_release.${driverId}`);
  });
});

/** Each add-on with the chart it installs. */
function components(addOns: HubAddOns): Array<{ pin: ChartPin; values: Values; placement: Placement }> {
  const { autoscaler, terminationHandler, efsCsiDriver, devicePlugin } = addOns;
  return [
    { pin: CHARTS.clusterAutoscaler, ...autoscaler },
    { pin: CHARTS.nodeTerminationHandler, ...terminationHandler },
    { pin: CHARTS.efsCsiDriver, ...efsCsiDriver },
    { pin: CHARTS.nvidiaDevicePlugin, ...devicePlugin! },
  ].map(({ pin, release, placement }) => ({ pin, values: release.mergedValues, placement }));
}

const podPath = (placement: Placement) => (placement.valuesPath ? placement.valuesPath.split('.') : []);

describe('HubAddOns placement and the chart defaults', () => {
  it('typed code sets nodeSelector, affinity and tolerations of every component itself', () => {
    // No values files at all: the merged values are exactly what the constructs generate.
    const addOns = buildHackweek({ context: onlyValues() }).addOns;
    for (const { pin, values, placement } of components(addOns)) {
      const pod = valueAt(values, podPath(placement)) as Values;
      const missing = ['nodeSelector', 'affinity', 'tolerations'].filter((key) => !(key in pod));
      expect({ chart: pin.chart, missing }).toEqual({ chart: pin.chart, missing: [] });
    }
  });

  const addOns = buildHackweek().addOns;

  it('what the charts render with their defaults places every component where the checks assumed', () => {
    const rendered = components(addOns).map(({ pin, values, placement }) =>
      placementOf(placement.component, withChartDefaults(chartDefaults(pin), values), podPath(placement)),
    );
    expect(rendered).toEqual(components(addOns).map((c) => c.placement));
    expect(checkPlatformWiring({ ...addOns.wiring, placements: rendered })).toEqual([]);
  });

  it('would catch a chart default placement our values left in place', () => {
    const plugin = components(addOns).find((c) => c.pin === CHARTS.nvidiaDevicePlugin)!;
    const withoutOurs = { ...plugin.values, affinity: undefined, tolerations: undefined };
    // A chart that, by default, wants node-feature-discovery labels and tolerates a taint we never set.
    const chartDefault: Values = {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              {
                matchExpressions: [
                  { key: 'feature.node.kubernetes.io/pci-10de.present', operator: 'In', values: ['true'] },
                ],
              },
            ],
          },
        },
      },
      tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }],
    };
    const rendered = placementOf('nvidia-device-plugin', withChartDefaults(chartDefault, withoutOurs));
    const problems = checkPlatformWiring({ ...addOns.wiring, placements: [rendered] });
    expect(problems.map((p) => `${p.path.join('.')}: ${p.message.split(';')[0]}`)).toEqual([
      'nvidia-device-plugin.nodeSelector: node label feature.node.kubernetes.io/pci-10de.present=true is on no node pool',
      'nvidia-device-plugin.tolerations: tolerates CriticalAddonsOnly, which no node pool has',
    ]);
  });
});

describe('HubAddOns fails the synth when the layers disagree', () => {
  it('a component selects a node label that no pool carries (values overlay)', () => {
    const context = valuesWith({
      'cluster-autoscaler/hackweek.yaml': { nodeSelector: { 'kubernetes.io/arch': 'arm64' } },
    });
    expect(configProblems(() => buildStacks(Testing.app({ context }), [hackweek]))).toEqual([
      'hackweek.cluster-autoscaler.nodeSelector: node label kubernetes.io/arch=arm64 is on no node pool; pools carry ' +
        'hub.jupyter.org/node-pool=core, hub.jupyter.org/node-pool=gpu, hub.jupyter.org/node-pool=user, ' +
        'hub.jupyter.org/node-purpose=core, hub.jupyter.org/node-purpose=user, k8s.amazonaws.com/accelerator=nvidia-tesla-t4',
    ]);
  });

  it('a component tolerates a taint that no pool has (the GPU pool lost its taint)', () => {
    const breakCluster = (cluster: HubClusterStack) =>
      cluster.pools.forEach((pool, i) => {
        cluster.pools[i] = { ...pool, taints: pool.taints.filter((t) => t.key !== GPU_TAINT.key) };
      });
    expect(configProblems(() => buildHackweek({ breakCluster }))).toEqual([
      'hackweek.nvidia-device-plugin.tolerations: tolerates nvidia.com/gpu=present:NoSchedule, which no node pool has; ' +
        'pools are tainted hub.jupyter.org/dedicated=user:NoSchedule',
    ]);
  });

  it("the autoscaler watches another cluster's name (platform stack given another environment's cluster)", () => {
    const lab = { ...hackweek, name: 'lab' };
    expect(configProblems(() => buildHackweek({ platformEnv: lab }))).toEqual([
      "lab.cluster-autoscaler.autoDiscovery.clusterName: 'hub-lab' is not this cluster's name 'hub-hackweek'; " +
        'the autoscaler would discover no node groups and never scale',
    ]);
  });

  it('the autoscaler watches another cluster (values overlay)', () => {
    const context = valuesWith({
      'cluster-autoscaler/hackweek.yaml': { autoDiscovery: { clusterName: 'hub-prod' } },
    });
    const dir = context[VALUES_DIR_CONTEXT];
    expect(configProblems(() => buildStacks(Testing.app({ context }), [hackweek]))).toEqual([
      `${dir}/cluster-autoscaler/hackweek.yaml:2: autoDiscovery.clusterName is "hub-prod", but the cluster-autoscaler ` +
        'construct sets it to "hub-hackweek"; remove it from the file (typed code owns the values other layers must agree with)',
    ]);
  });

  it("the expendable-pods cutoff is not below the placeholders' priority (the shared constant raised)", () => {
    const scheduling = '../../../lib/node-scheduling';
    let built: () => unknown = () => undefined;
    jest.isolateModules(() => {
      jest.doMock(scheduling, () => ({
        ...jest.requireActual(scheduling),
        AUTOSCALER_EXPENDABLE_PRIORITY_CUTOFF: USER_PLACEHOLDER_PRIORITY,
      }));
      const stacks = {
        HubClusterStack: require('../../../stacks/hub-cluster-stack').HubClusterStack, // eslint-disable-line @typescript-eslint/no-require-imports
        HubPlatformStack: require('../../../stacks/hub-platform-stack').HubPlatformStack, // eslint-disable-line @typescript-eslint/no-require-imports
      };
      built = () => buildHackweek({}, stacks);
    });
    expect(configProblems(built)).toEqual([
      `hackweek.cluster-autoscaler.extraArgs.expendable-pods-priority-cutoff: ${USER_PLACEHOLDER_PRIORITY} is not ` +
        `below the user placeholders' priority ${USER_PLACEHOLDER_PRIORITY}; the autoscaler would ignore pending ` +
        'placeholders and never scale up for them',
    ]);
  });

  it('the expendable-pods cutoff is changed by a values overlay', () => {
    const context = valuesWith({
      'cluster-autoscaler/hackweek.yaml': { extraArgs: { 'expendable-pods-priority-cutoff': 0 } },
    });
    expect(configProblems(() => buildStacks(Testing.app({ context }), [hackweek]))).toEqual([
      expect.stringMatching(
        /\/cluster-autoscaler\/hackweek\.yaml:2: extraArgs\.expendable-pods-priority-cutoff is 0, but the cluster-autoscaler construct sets it to -10;/,
      ),
    ]);
  });

  it('an AZ that hosts user and GPU nodes has no EFS mount target', () => {
    const breakCluster = (cluster: HubClusterStack) => cluster.sharedStorage.mountTargets.pop();
    expect(configProblems(() => buildHackweek({ breakCluster }))).toEqual([
      'hackweek.nodePools.user.user: starts nodes in AZ 2, which has no EFS mount target; mount targets exist in ' +
        'AZ 0, AZ 1, so home directories could not mount there',
      'hackweek.nodePools.gpu.gpu: starts nodes in AZ 2, which has no EFS mount target; mount targets exist in ' +
        'AZ 0, AZ 1, so home directories could not mount there',
    ]);
  });
});
