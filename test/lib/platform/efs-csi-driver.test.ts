import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { EFS_CSI_NODE } from '../../../lib/daemonsets';
import { CHARTS } from '../../../lib/platform/charts';
import { EfsCsiDriver } from '../../../lib/platform/efs-csi-driver';
import { probeStack, synthJson } from '../../support/constructs';
import { StackJson, releaseOf } from '../../support/synth';
import { goTool } from '../../support/tools';
import { chartDefaults, unknownKeyPaths, upstreamChartsDir } from '../../support/upstream-charts';

const ROLE = 'arn:aws:iam::123456789012:role/hub-probe-efs-csi';

describe('EfsCsiDriver', () => {
  const stack = probeStack();
  const driver = new EfsCsiDriver(stack, 'efs-csi-driver', {
    envName: 'probe',
    roleArn: ROLE,
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

  it('sizes the node plugin containers Guaranteed, adding up to what the capacity maths subtracts', () => {
    const containers = [
      values.node.resources,
      values.sidecars.livenessProbe.resources,
      values.sidecars.nodeDriverRegistrar.resources,
    ];
    const milli = (cpu: string) => Number(cpu.replace(/m$/, ''));
    const mebi = (memory: string) => Number(memory.replace(/Mi$/, ''));
    // docs/storage-and-nodes.md: 200m CPU and 256 MiB for the EFS node plugin on every node.
    expect(EFS_CSI_NODE).toMatchObject({ cpuMillis: 200, memoryMiB: 256 });
    expect(containers.reduce((sum, r) => sum + milli(r.requests.cpu), 0)).toBe(200);
    expect(containers.reduce((sum, r) => sum + mebi(r.requests.memory), 0)).toBe(256);
    containers.forEach((r) => expect(r.limits).toEqual(r.requests));
    expect(values.node.priorityClassName).toBe('system-node-critical');
  });

  it('pins every image at the tag the pinned chart ships', () => {
    const chart = chartDefaults(CHARTS.efsCsiDriver) as StackJson;
    expect(values.image.tag).toBe(chart.image.tag);
    for (const sidecar of ['livenessProbe', 'nodeDriverRegistrar', 'csiProvisioner']) {
      expect(values.sidecars[sidecar].image.tag).toBe(chart.sidecars[sidecar].image.tag);
    }
  });

  it('has the controller tag the access points it creates with this cluster (the pinned chart rendered by helm)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'efs-values-'));
    try {
      writeFileSync(join(dir, 'values.json'), JSON.stringify(values));
      const chart = join(upstreamChartsDir(), `aws-efs-csi-driver-${CHARTS.efsCsiDriver.version}`);
      const run = spawnSync(goTool('helm'), ['template', 'efs', chart, '-f', join(dir, 'values.json')], {
        encoding: 'utf8',
      });
      expect(run.stderr).toBe('');
      const controller = parseAllDocuments(run.stdout)
        .map((d) => d.toJSON())
        .find((d) => d?.kind === 'Deployment' && d.metadata.name === 'efs-csi-controller');
      const plugin = controller.spec.template.spec.containers.find((c: StackJson) => c.name === 'efs-plugin');
      expect(plugin.args).toContain('--tags=hub/efs-csi-cluster:hub-probe');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sets only keys of the pinned chart', () => {
    expect(unknownKeyPaths(CHARTS.efsCsiDriver, values)).toEqual([]);
  });
});
