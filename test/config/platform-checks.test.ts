import { App } from 'cdktf';
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ENVIRONMENTS } from '../../config';
import { ConfigError, parseEnvironment } from '../../config/load';
import { PlatformFacts, checkPlatformWiring } from '../../config/platform-checks';
import { GPU_TAINT, USER_PLACEHOLDER_PRIORITY } from '../../lib/node-scheduling';
import { buildStacks } from '../../stacks/build';
import { configuredEnvironments } from '../support/synth';

// The facts the real hackweek stacks produce: every negative case below breaks one of them.
const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'hub-wiring-')) });
const real: PlatformFacts = buildStacks(app, configuredEnvironments()).get('hackweek')!.platform.addOns
  .wiring;
const messages = (facts: PlatformFacts) =>
  checkPlatformWiring(facts).map((i) => `${i.path.join('.')}: ${i.message}`);

describe('checkPlatformWiring', () => {
  it('passes the wiring the real stacks build', () => {
    expect(real.placements.map((p) => p.component).sort()).toEqual([
      'aws-efs-csi-driver',
      'aws-node-termination-handler',
      'cluster-autoscaler',
      'nvidia-device-plugin',
    ]);
    expect(messages(real)).toEqual([]);
  });

  it('rejects a node label a component selects that no pool carries', () => {
    const withoutCore = { ...real, pools: real.pools.filter((p) => p.kind !== 'core') };
    expect(messages(withoutCore)).toContain(
      'cluster-autoscaler.nodeSelector: node label hub.jupyter.org/node-purpose=core is on no node pool; ' +
        'pools carry hub.jupyter.org/node-pool=gpu, hub.jupyter.org/node-pool=user, hub.jupyter.org/node-purpose=user, ' +
        'k8s.amazonaws.com/accelerator=nvidia-tesla-t4',
    );
    const withoutGpu = { ...real, pools: real.pools.filter((p) => p.kind !== 'gpu') };
    expect(messages(withoutGpu)).toContainEqual(
      expect.stringMatching(
        /^nvidia-device-plugin\.affinity: node label k8s\.amazonaws\.com\/accelerator \(any value\)/,
      ),
    );
  });

  it('rejects a taint a component tolerates that no pool has', () => {
    const untainted = {
      ...real,
      pools: real.pools.map((p) => ({ ...p, taints: p.taints.filter((t) => t.key !== GPU_TAINT.key) })),
    };
    expect(messages(untainted)).toContainEqual(
      expect.stringMatching(
        /^nvidia-device-plugin\.tolerations: tolerates nvidia\.com\/gpu=present:NoSchedule, which no node pool has/,
      ),
    );
  });

  it('rejects a component whose selected pools all carry a taint it does not tolerate', () => {
    const plugin = real.placements.find((p) => p.component === 'nvidia-device-plugin')!;
    const onlyGpuToleration = {
      ...plugin,
      tolerations: plugin.tolerations.filter((t) => t.key === GPU_TAINT.key),
    };
    const facts = { ...real, placements: [onlyGpuToleration] };
    expect(messages(facts)).toEqual([
      'nvidia-device-plugin.tolerations: its pods fit no node pool: gpu matches the selectors but is tainted ' +
        'hub.jupyter.org/dedicated=user:NoSchedule, nvidia.com/gpu=present:NoSchedule, which the pods do not tolerate',
    ]);
  });

  it("rejects an autoscaler that discovers another cluster's node groups", () => {
    const facts = { ...real, autoscaler: { ...real.autoscaler, clusterName: 'hub-prod' } };
    expect(messages(facts)).toEqual([
      "cluster-autoscaler.autoDiscovery.clusterName: 'hub-prod' is not this cluster's name 'hub-hackweek'; " +
        'the autoscaler would discover no node groups and never scale',
    ]);
  });

  it('rejects an expendable-pods cutoff that is not below the placeholder priority', () => {
    expect(real.autoscaler.expendablePriorityCutoff).toBeLessThan(USER_PLACEHOLDER_PRIORITY);
    const facts = {
      ...real,
      autoscaler: { ...real.autoscaler, expendablePriorityCutoff: USER_PLACEHOLDER_PRIORITY },
    };
    expect(messages(facts)).toEqual([
      `cluster-autoscaler.extraArgs.expendable-pods-priority-cutoff: ${USER_PLACEHOLDER_PRIORITY} is not below the ` +
        `user placeholders' priority ${USER_PLACEHOLDER_PRIORITY}; the autoscaler would ignore pending placeholders ` +
        'and never scale up for them',
    ]);
  });

  it('rejects an AZ that hosts a user or GPU pool but has no EFS mount target', () => {
    expect(real.mountTargetZones).toEqual(['AZ 0', 'AZ 1', 'AZ 2']);
    const facts = { ...real, mountTargetZones: ['AZ 0', 'AZ 1'] };
    expect(messages(facts)).toEqual([
      'nodePools.user.user: starts nodes in AZ 2, which has no EFS mount target; mount targets exist in AZ 0, AZ 1, ' +
        'so home directories could not mount there',
      'nodePools.gpu.gpu: starts nodes in AZ 2, which has no EFS mount target; mount targets exist in AZ 0, AZ 1, ' +
        'so home directories could not mount there',
    ]);
    // The core pool sits in one AZ and mounts nothing for users.
    expect(messages({ ...real, mountTargetZones: ['AZ 0', 'AZ 1', 'AZ 2'] })).toEqual([]);
  });
});

describe('platform config', () => {
  const hackweek = ENVIRONMENTS.hackweek;
  const problems = (input: unknown) => {
    try {
      parseEnvironment('lab', input);
      return [];
    } catch (error) {
      return (error as ConfigError).problems;
    }
  };

  it('defaults to a hackweek: 10-minute scale-down, priority expander, elastic EFS, no GPU sharing', () => {
    const env = parseEnvironment('hackweek', hackweek);
    expect(env.platform).toEqual({
      autoscaler: { scaleDownUnneededMinutes: 10, expander: 'priority', balanceSimilarNodeGroups: true },
      terminationHandler: { drainGracePeriodSeconds: 120 },
      efs: { throughputMode: 'elastic', deletionProtection: true },
      gpu: { timeSlicingReplicas: 1 },
    });
    expect(parseEnvironment('dev', ENVIRONMENTS.dev).platform.efs.deletionProtection).toBe(false);
  });

  it('takes a Secret name for the webhook, never the URL', () => {
    const url = 'https://hooks.slack.com/services/T000/B000/XXXX';
    expect(problems({ ...hackweek, platform: { terminationHandler: { webhookSecretName: url } } })).toEqual([
      "lab.platform.terminationHandler.webhookSecretName: must be the name of a Kubernetes Secret (lower-case letters, digits, '-', '.'), " +
        `never the URL (received ${JSON.stringify(url)})`,
    ]);
    expect(
      problems({ ...hackweek, platform: { terminationHandler: { webhookSecretName: 'nth-slack' } } }),
    ).toEqual([]);
  });

  it('rejects GPU time-slicing in an environment without GPU pools', () => {
    const noGpu = {
      ...hackweek,
      nodePools: { ...hackweek.nodePools, gpu: {} },
      hub: { ...hackweek.hub, profiles: hackweek.hub.profiles.filter((p) => p.pool !== 'gpu') },
      platform: { gpu: { timeSlicingReplicas: 4 } },
    };
    expect(problems(noGpu)).toEqual([
      'lab.platform.gpu.timeSlicingReplicas: 4 has no effect: the environment has no GPU pools; leave it at 1 or add nodePools.gpu',
    ]);
  });

  it('rejects an unknown expander and out-of-range times, naming the value', () => {
    const bad = problems({
      ...hackweek,
      platform: { autoscaler: { expander: 'random', scaleDownUnneededMinutes: 0 } },
    });
    expect(bad).toHaveLength(2);
    expect(bad).toContainEqual(
      expect.stringMatching(/^lab\.platform\.autoscaler\.expander: .*received "random"/),
    );
    expect(bad).toContainEqual(
      expect.stringMatching(/^lab\.platform\.autoscaler\.scaleDownUnneededMinutes: .*received 0/),
    );
  });
});
