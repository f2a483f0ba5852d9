/**
 * Destroying the platform stack with servers running: user pods are KubeSpawner's, not
 * helm's, and keep the home and shared claims from being deleted. Every server pod is
 * owned by one ConfigMap, which the destroy removes after the hub and before the claims.
 * The hook is tested with the hub's real KubeSpawner; the order on the synthesized JSON.
 */
import { spawnSync } from 'child_process';
import { join } from 'path';
import { parse } from 'yaml';
import { HOOKS_DIR } from '../../../lib/jupyterhub/hub-hooks';
import { configuredEnvironments, resourceAt, StackJson, synthStacks } from '../../support/synth';
import { hubPython } from '../../support/tools';

const stacks = synthStacks();
const names = configuredEnvironments().map((env) => env.name);

/** `type.name` of every resource, with what it depends on: depends_on and references. */
function dependencies(stack: StackJson): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const [type, resources] of Object.entries(stack.resource ?? {})) {
    for (const [name, body] of Object.entries(resources as StackJson)) {
      const text = JSON.stringify({ ...body, '//': undefined });
      const refs = new Set<string>();
      for (const match of text.matchAll(/\b([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)\b/g)) {
        if (stack.resource?.[match[1]]?.[match[2]] && `${match[1]}.${match[2]}` !== `${type}.${name}`)
          refs.add(`${match[1]}.${match[2]}`);
      }
      graph.set(`${type}.${name}`, refs);
    }
  }
  return graph;
}

/** The order Terraform may destroy in: a resource only after everything that depends on it. */
function destroyOrder(graph: Map<string, Set<string>>): string[] {
  const order: string[] = [];
  const remaining = new Set(graph.keys());
  while (remaining.size > 0) {
    const ready = [...remaining].filter(
      (node) => ![...remaining].some((other) => graph.get(other)!.has(node)),
    );
    if (ready.length === 0) throw new Error('dependency cycle');
    for (const node of ready.sort()) {
      order.push(node);
      remaining.delete(node);
    }
  }
  return order;
}

/** Whether `from` depends on `to`, directly or through other resources. */
function reaches(graph: Map<string, Set<string>>, from: string, to: string): boolean {
  const seen = new Set<string>();
  const visit = (node: string): boolean =>
    [...(graph.get(node) ?? [])].some(
      (next) => next === to || (!seen.has(next) && (seen.add(next), visit(next))),
    );
  return visit(from);
}

const address = (stack: StackJson, type: string, path: string) => {
  const body = resourceAt(stack, type, path);
  const [name] = Object.entries(stack.resource[type]).find(([, b]) => b === body)!;
  return `${type}.${name}`;
};

describe('user servers on teardown', () => {
  it("are owned by the hook's ConfigMap, with the hub's real KubeSpawner", () => {
    const run = spawnSync(
      hubPython(),
      [
        '-m',
        'pytest',
        '-q',
        '-p',
        'no:cacheprovider',
        join(__dirname, 'server_owner_test.py'),
        '--hooks',
        HOOKS_DIR,
      ],
      { encoding: 'utf8', cwd: __dirname },
    );
    expect({ status: run.status, output: run.stdout + run.stderr }).toEqual({
      status: 0,
      output: expect.stringMatching(/3 passed/),
    });
  }, 120_000);

  describe.each(names)('%s', (name) => {
    const stack = stacks.get(`hub-platform-${name}`)!;
    const owner = address(stack, 'kubernetes_config_map_v1', 'jupyterhub/user-server-owner/config-map');
    const release = address(stack, 'helm_release', 'jupyterhub/chart/release');
    const claims = ['home', 'shared'].map((claim) =>
      address(stack, 'kubernetes_persistent_volume_claim_v1', `shared-volumes/${claim}-claim`),
    );

    it('tells the hub the owner, by the uid Kubernetes gives the ConfigMap', () => {
      const values = parse(resourceAt(stack, 'helm_release', 'jupyterhub/chart/release').values[0]);
      expect(values.custom.serverOwner).toEqual({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        name: 'user-servers',
        uid: `\${${owner}.metadata[0].uid}`,
      });
      expect(values.hub.extraConfig['10-hub-hooks']).toContain(
        'server_owner.configure(c, get_config("custom.serverOwner"))',
      );
      expect(Object.keys(values.hub.extraFiles)).toContain('server-owner');
    });

    it('destroys the hub, then the owner (stopping every server), then the claims', () => {
      const graph = dependencies(stack);
      // The order is forced by dependencies, not by an accident of naming.
      expect(reaches(graph, release, owner)).toBe(true);
      for (const claim of claims) expect(reaches(graph, owner, claim)).toBe(true);
      expect(reaches(graph, owner, release)).toBe(false);
      const order = destroyOrder(graph);
      const at = (node: string) => order.indexOf(node);
      expect(at(release)).toBeLessThan(at(owner));
      for (const claim of claims) expect(at(owner)).toBeLessThan(at(claim));
    });
  });
});
