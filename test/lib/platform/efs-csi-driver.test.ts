import { efsNodeSizing } from '../../../lib/daemonsets';
import { CHARTS } from '../../../lib/platform/charts';
import { EfsCsiDriver } from '../../../lib/platform/efs-csi-driver';
import { probeStack, synthJson } from '../../support/constructs';
import { StackJson, releaseOf } from '../../support/synth';
import { helmTemplate } from '../../support/helm-template';
import { chartDefaults, unknownKeyPaths } from '../../support/upstream-charts';

const ROLE = 'arn:aws:iam::123456789012:role/hub-probe-efs-csi';

/** The node DaemonSet's efs-plugin container as helm renders the pinned chart with `values`. */
function renderedPlugin(values: StackJson): StackJson {
  const daemonSet = helmTemplate(CHARTS.efsCsiDriver, values, 'kube-system').find(
    (d) => d.kind === 'DaemonSet',
  );
  return daemonSet!.spec.template.spec.containers.find((c: StackJson) => c.name === 'efs-plugin');
}

describe('EfsCsiDriver', () => {
  const stack = probeStack();
  // Hackweek's nodes: four servers of 1.75 CPU and 7G per m5.2xlarge.
  const driver = new EfsCsiDriver(stack, 'efs-csi-driver', {
    envName: 'probe',
    roleArn: ROLE,
    serversPerNode: 4,
    accessPointTags: { 'hub/efs-csi-cluster': 'hub-probe' },
  });
  const { body, values } = releaseOf(synthJson(stack), 'aws-efs-csi-driver');

  it('installs the pinned chart into kube-system with values helm receives as merged', () => {
    expect(body).toMatchObject({ version: '4.4.1', namespace: 'kube-system', name: 'aws-efs-csi-driver' });
    expect(values).toEqual(driver.release.mergedValues);
  });

  it('gives the controller its IRSA role as kube-system/efs-csi-controller-sa', () => {
    expect(values.controller.serviceAccount).toEqual({
      create: true,
      name: 'efs-csi-controller-sa',
      annotations: { 'eks.amazonaws.com/role-arn': ROLE },
    });
  });

  it('runs the controller on the core pool, cluster-critical, replacing the chart tolerations', () => {
    expect(values.controller).toMatchObject({
      nodeSelector: { 'hub.jupyter.org/node-purpose': 'core' },
      affinity: null,
      tolerations: [],
      priorityClassName: 'system-cluster-critical',
    });
    expect(driver.placement).toEqual({
      component: 'aws-efs-csi-driver',
      valuesPath: 'controller',
      nodeSelector: { 'hub.jupyter.org/node-purpose': 'core' },
      requiredLabelKeys: [],
      tolerations: [],
    });
  });

  it('sizes the node plugin for the servers per node, by upstream formula, with the in-flight limit on', () => {
    // aws-efs-csi-driver docs/parameters.md: ((volumes x 12) + (in-flight mounts x 30)) x 1.5 MiB.
    // 4 servers x 2 mounts (home, shared) = 8 volumes, 8 mounts in flight: (96 + 240) x 1.5 = 504.
    expect(values.node.resources).toEqual({
      requests: { cpu: '180m', memory: '504Mi' },
      limits: { memory: '504Mi' },
    });
    expect(values.node).toMatchObject({ maxInflightMountCallsOptIn: true, maxInflightMountCalls: 8 });
    expect(values.node.priorityClassName).toBe('system-node-critical');
    for (const sidecar of [values.sidecars.livenessProbe, values.sidecars.nodeDriverRegistrar]) {
      expect(sidecar.resources).toEqual({
        requests: { cpu: '10m', memory: '16Mi' },
        limits: { cpu: '10m', memory: '16Mi' },
      });
    }
    // What the capacity maths subtracts is the whole pod: plugin and the two sidecars.
    expect(efsNodeSizing(4).requests).toEqual({ name: 'efs-csi-node', cpuMillis: 200, memoryMiB: 536 });
  });

  it('caps the mounts in flight at 10 on big nodes and keeps a floor for an empty one', () => {
    expect(efsNodeSizing(19)).toMatchObject({
      mountsPerNode: 38,
      inflightMounts: 10,
      plugin: { memoryMiB: 1134 },
    });
    expect(efsNodeSizing(0)).toMatchObject({
      mountsPerNode: 0,
      inflightMounts: 1,
      plugin: { memoryMiB: 128 },
    });
  });

  it('reaches the plugin container as helm renders the pinned chart: flags on, memory limited, CPU unthrottled', () => {
    const plugin = renderedPlugin(values);
    expect(plugin.args).toEqual(
      expect.arrayContaining(['--max-inflight-mount-calls-opt-in=true', '--max-inflight-mount-calls=8']),
    );
    expect(plugin.resources).toEqual({
      requests: { cpu: '180m', memory: '504Mi' },
      limits: { memory: '504Mi' },
    });
    // The chart hands the limit to the driver, which checks its in-flight and attach limits against it.
    expect(plugin.env).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'CSI_NODE_MEMORY_LIMIT' })]),
    );
  });

  it('pins every image at the tag the pinned chart ships', () => {
    const chart = chartDefaults(CHARTS.efsCsiDriver) as StackJson;
    expect(values.image.tag).toBe(chart.image.tag);
    for (const sidecar of ['livenessProbe', 'nodeDriverRegistrar', 'csiProvisioner']) {
      expect(values.sidecars[sidecar].image.tag).toBe(chart.sidecars[sidecar].image.tag);
    }
  });

  it('has the controller tag the access points it creates with this cluster (the pinned chart rendered by helm)', () => {
    const controller = helmTemplate(CHARTS.efsCsiDriver, values, 'kube-system').find(
      (d) => d.kind === 'Deployment' && d.metadata.name === 'efs-csi-controller',
    )!;
    const plugin = controller.spec.template.spec.containers.find((c: StackJson) => c.name === 'efs-plugin');
    expect(plugin.args).toContain('--tags=hub/efs-csi-cluster:hub-probe');
  });

  it('sets only keys of the pinned chart', () => {
    expect(unknownKeyPaths(CHARTS.efsCsiDriver, values)).toEqual([]);
  });
});
