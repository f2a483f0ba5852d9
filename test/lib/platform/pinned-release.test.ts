import { TerraformStack, Testing } from 'cdktf';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { parse } from 'yaml';
import { CHARTS } from '../../../lib/platform/charts';
import { PinnedRelease } from '../../../lib/platform/pinned-release';
import { StackJson } from '../../support/synth';

describe('PinnedRelease', () => {
  const stack = new TerraformStack(Testing.app(), 'probe');
  new HelmProvider(stack, 'helm', {});
  const construct = new PinnedRelease(stack, 'autoscaler', {
    chart: CHARTS.clusterAutoscaler,
    releaseName: 'cluster-autoscaler',
    namespace: 'kube-system',
    envName: 'no-such-env',
    valuesDir: 'no-such-chart',
    values: { awsRegion: 'us-west-2', extraArgs: { 'balance-similar-node-groups': true } },
  });
  const [release] = Object.values(JSON.parse(Testing.synth(stack)).resource.helm_release) as StackJson[];

  it('installs the exact pinned chart version from its repository, linted and atomic', () => {
    expect(release).toMatchObject({
      chart: 'cluster-autoscaler',
      repository: CHARTS.clusterAutoscaler.repository,
      version: '9.59.0',
      lint: true,
      atomic: true,
      cleanup_on_fail: true,
      namespace: 'kube-system',
    });
  });

  it('passes one YAML document: the merged values', () => {
    expect(release.values).toHaveLength(1);
    expect(parse(release.values[0])).toEqual(construct.mergedValues);
    expect(construct.mergedValues).toEqual({
      awsRegion: 'us-west-2',
      extraArgs: { 'balance-similar-node-groups': true },
    });
  });

  it('pins every chart to an exact version, never a range', () => {
    for (const pin of Object.values(CHARTS)) expect(pin.version).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
