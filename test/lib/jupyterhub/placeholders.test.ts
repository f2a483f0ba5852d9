/**
 * Placeholders must reserve the bytes a real server reserves. KubeSpawner reads a
 * profile's `7G` as 7 GiB; Kubernetes reads the same string as 7x10^9 bytes. The hub's
 * side is read by the hub's own traitlets (JupyterHub 5.5's ByteSpecification, which
 * KubeSpawner's mem_guarantee is), the placeholders' side from the pinned chart as helm
 * renders it with the synthesized values.
 */
import { spawnSync } from 'child_process';
import { parse } from 'yaml';
import { defaultProfile } from '../../../config/hub-checks';
import { CHARTS } from '../../../lib/platform/charts';
import { helmTemplate } from '../../support/helm-template';
import { configuredEnvironments, resourceAt, StackJson, synthStacks } from '../../support/synth';
import { hubPython } from '../../support/tools';

const stacks = synthStacks();
const environments = configuredEnvironments();

/** Bytes in a Kubernetes quantity: decimal k, M, G, T; binary Ki, Mi, Gi, Ti. */
function kubernetesBytes(quantity: string | number): number {
  const match = /^(\d+(?:\.\d+)?)(k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(String(quantity));
  if (!match) throw new Error(`not a Kubernetes quantity: ${quantity}`);
  const unit: Record<string, number> = {
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
  };
  return Number(match[1]) * (match[2] ? unit[match[2]] : 1);
}

/** Bytes KubeSpawner reserves for each memory string, read by JupyterHub's ByteSpecification. */
function kubespawnerBytes(sizes: readonly string[]): Record<string, number> {
  const script = [
    'import json, sys',
    'from traitlets import HasTraits',
    'from jupyterhub.traitlets import ByteSpecification',
    'class Size(HasTraits):',
    '    mem = ByteSpecification()',
    'out = {}',
    'for s in json.loads(sys.argv[1]):',
    '    out[s] = Size(mem=s).mem',
    'print(json.dumps(out))',
  ].join('\n');
  const run = spawnSync(hubPython(), ['-c', script, JSON.stringify(sizes)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

describe.each(environments.filter((env) => env.hub.placeholders > 0).map((env) => [env.name, env]))(
  '%s placeholders',
  (name, env) => {
    const values: StackJson = parse(
      resourceAt(stacks.get(`hub-platform-${name}`)!, 'helm_release', 'jupyterhub/chart/release').values[0],
    );
    const profile = defaultProfile(env);

    it('reserve exactly the memory KubeSpawner guarantees a server of the default profile', () => {
      const placeholders = helmTemplate(
        CHARTS.jupyterhub,
        values,
        'jupyterhub',
        env.cluster.kubernetesVersion,
      ).find((doc) => doc.kind === 'StatefulSet' && doc.metadata.name === 'user-placeholder')!;
      const [container] = placeholders.spec.template.spec.containers;
      const hub = kubespawnerBytes([profile.memory.guarantee!, profile.memory.limit!]);
      expect(kubernetesBytes(container.resources.requests.memory)).toBe(hub[profile.memory.guarantee!]);
      expect(kubernetesBytes(container.resources.limits.memory)).toBe(hub[profile.memory.limit!]);
      expect(Number(container.resources.requests.cpu)).toBe(profile.cpu.guarantee);
      expect(placeholders.spec.replicas).toBe(env.hub.placeholders);
    });
  },
);
