import { TerraformStack, Testing } from 'cdktf';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { parse } from 'yaml';
import { CHARTS } from '../../../lib/platform/charts';
import { VALUES_DIR_CONTEXT, Values } from '../../../lib/platform/helm-values';
import { PinnedRelease } from '../../../lib/platform/pinned-release';
import { StackJson, configProblems } from '../../support/synth';
import { onlyValues } from '../../support/values-dir';

/** A cluster-autoscaler release in env `lab` with `values` from typed code, in an app with `context`. */
function build(context: Record<string, unknown>, values: Values) {
  const stack = new TerraformStack(Testing.app({ context }), 'probe');
  new HelmProvider(stack, 'helm', {});
  const construct = new PinnedRelease(stack, 'autoscaler', {
    chart: CHARTS.clusterAutoscaler,
    releaseName: 'cluster-autoscaler',
    namespace: 'kube-system',
    envName: 'lab',
    values,
  });
  return { stack, construct };
}

describe('PinnedRelease', () => {
  const files = onlyValues({
    'cluster-autoscaler/base.yaml': {
      replicaCount: 1,
      extraArgs: { v: 2, 'scale-down-delay-after-add': '10m' },
    },
    'cluster-autoscaler/lab.yaml': { extraArgs: { v: 4 }, podAnnotations: null },
  });
  const { stack, construct } = build(files, {
    awsRegion: 'us-west-2',
    extraArgs: { 'balance-similar-node-groups': true },
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

  it("passes one YAML document: base, then the environment's overlay, then typed values", () => {
    expect(release.values).toHaveLength(1);
    expect(parse(release.values[0])).toEqual({
      replicaCount: 1,
      extraArgs: { v: 4, 'scale-down-delay-after-add': '10m', 'balance-similar-node-groups': true },
      // Kept, so helm removes the chart's default podAnnotations.
      podAnnotations: null,
      awsRegion: 'us-west-2',
    });
    expect(construct.mergedValues).toEqual(parse(release.values[0]));
  });

  it('rejects a file that sets a value the typed code sets differently, naming file, line, path and both values', () => {
    const overlay = onlyValues({
      'cluster-autoscaler/base.yaml': { awsRegion: 'eu-west-1' },
      'cluster-autoscaler/lab.yaml': { autoDiscovery: { clusterName: 'hub-prod' }, tolerations: null },
    });
    const typed = { awsRegion: 'us-west-2', autoDiscovery: { clusterName: 'hub-lab' }, tolerations: [] };
    const dir = overlay[VALUES_DIR_CONTEXT];
    expect(configProblems(() => build(overlay, typed))).toEqual([
      `${dir}/cluster-autoscaler/base.yaml:1: awsRegion is "eu-west-1", but the cluster-autoscaler construct sets it ` +
        'to "us-west-2"; remove it from the file (typed code owns the values other layers must agree with)',
      `${dir}/cluster-autoscaler/lab.yaml:2: autoDiscovery.clusterName is "hub-prod", but the cluster-autoscaler ` +
        'construct sets it to "hub-lab"; remove it from the file (typed code owns the values other layers must agree with)',
      `${dir}/cluster-autoscaler/lab.yaml:3: tolerations is null, but the cluster-autoscaler construct sets it to a list; ` +
        'remove it from the file (typed code owns the values other layers must agree with)',
    ]);
  });

  it('keeps the message short when a file replaces a typed map with a scalar, whatever the map holds', () => {
    const overlay = onlyValues({ 'cluster-autoscaler/lab.yaml': { extraArgs: 5 } });
    const hooks = 'x'.repeat(6000);
    const [problem] = configProblems(() => build(overlay, { extraArgs: { hook: hooks } }));
    expect(problem).toMatch(
      /lab\.yaml:1: extraArgs is 5, but the cluster-autoscaler construct sets it to a map;/,
    );
    expect(problem.length).toBeLessThan(300);
  });

  it('accepts a file that repeats a typed value exactly, or sets other keys of the same map', () => {
    const overlay = onlyValues({
      'cluster-autoscaler/lab.yaml': { awsRegion: 'us-west-2', extraArgs: { v: 4 } },
    });
    const { construct } = build(overlay, { awsRegion: 'us-west-2', extraArgs: { expander: 'least-waste' } });
    expect(construct.mergedValues).toEqual({
      awsRegion: 'us-west-2',
      extraArgs: { v: 4, expander: 'least-waste' },
    });
  });

  it('refuses a valuesDir context that is not a folder', () => {
    expect(() => build({ [VALUES_DIR_CONTEXT]: '/no/such/folder' }, {})).toThrow(
      'context valuesDir: "/no/such/folder" is not an existing folder',
    );
  });

  it('pins every chart to an exact version, never a range', () => {
    for (const pin of Object.values(CHARTS)) expect(pin.version).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
