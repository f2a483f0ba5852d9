/**
 * What the hub pod of a synthesized jupyterhub release sees, made by helm itself: the
 * release rendered with `helm template` against the pinned chart (values documents as
 * `-f` files, `set` / `set_sensitive` / `set_list` entries as the Helm provider passes
 * them), then the hub container's mounts written under a folder at their mount paths
 * (ConfigMap and Secret keys, subPath files, the database volume) and its environment
 * resolved (plain values, the pod's namespace, keys of rendered Secrets, the service
 * variables Kubernetes injects).
 */
import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { parseAllDocuments } from 'yaml';
import { StackJson } from './synth';
import { goTool } from './tools';
import { requireChartDir } from '../../lib/platform/chart-data';

/** A rendered Kubernetes object; its body as helm wrote it. */
export type K8sObject = {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
} & Record<string, any>;

interface SetEntry {
  readonly name: string;
  readonly value: unknown;
  readonly type?: string;
}

/** helm's command-line form of the release's set, set_sensitive and set_list entries. */
export function setArguments(release: StackJson): string[] {
  const args: string[] = [];
  for (const entry of [...(release.set ?? []), ...(release.set_sensitive ?? [])] as SetEntry[]) {
    // The provider parses `name=value` with helm's own --set parser (strvals); type string
    // is --set-string's, literal is --set-literal's.
    const flag =
      entry.type === 'string' ? '--set-string' : entry.type === 'literal' ? '--set-literal' : '--set';
    args.push(flag, `${entry.name}=${String(entry.value)}`);
  }
  for (const entry of (release.set_list ?? []) as SetEntry[]) {
    args.push('--set', `${entry.name}={${(entry.value as unknown[]).map(String).join(',')}}`);
  }
  return args;
}

/** `helm template` of a synthesized helm_release against its pinned chart. */
export function renderRelease(release: StackJson, kubernetesVersion: string): K8sObject[] {
  const chartDir = requireChartDir({ chart: release.chart, version: release.version });
  const dir = mkdtempSync(join(tmpdir(), 'helm-values-'));
  try {
    const files = (release.values ?? []).map((doc: string, i: number) => {
      const file = join(dir, `values-${i}.yaml`);
      writeFileSync(file, doc);
      return file;
    });
    const run = spawnSync(
      goTool('helm'),
      [
        'template',
        release.name,
        chartDir,
        '--namespace',
        release.namespace ?? 'default',
        '--kube-version',
        `${kubernetesVersion}.0`,
        ...files.flatMap((f: string) => ['-f', f]),
        ...setArguments(release),
      ],
      { encoding: 'utf8', timeout: 120_000, env: { ...process.env, HELM_CACHE_HOME: join(dir, 'cache') } },
    );
    if (run.error) throw run.error;
    if (run.status !== 0) throw new Error(`helm template ${release.name} failed:\n${run.stderr}`);
    return parseAllDocuments(run.stdout)
      .map((doc) => doc.toJS() as K8sObject | null)
      .filter((o): o is K8sObject => o !== null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function find(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`the rendered release has no ${kind} ${name}`);
  return found;
}

/** A ConfigMap's or Secret's keys as the kubelet writes them (Secret data decoded, stringData merged). */
function keysOf(object: K8sObject): Record<string, string> {
  if (object.kind === 'ConfigMap') return { ...(object.data ?? {}) };
  const decoded = Object.fromEntries(
    Object.entries((object.data ?? {}) as Record<string, string>).map(([k, v]) => [
      k,
      Buffer.from(v, 'base64').toString('utf8'),
    ]),
  );
  return { ...decoded, ...(object.stringData ?? {}) };
}

export interface HubPod {
  /** The hub container's environment. */
  readonly env: Record<string, string>;
  /** Secret keys the pod reads that the chart does not render (Secrets made outside it), given stand-in values. */
  readonly outsideSecrets: string[];
  /** The hub container's args. */
  readonly args: string[];
}

/**
 * Writes the hub container's mounts under `root` at their mount paths and resolves its
 * environment. The database volume becomes an empty folder.
 */
export function layOutHubPod(objects: readonly K8sObject[], namespace: string, root: string): HubPod {
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.labels?.component === 'hub');
  if (!deployment) throw new Error('the rendered release has no hub Deployment');
  const spec = deployment.spec.template.spec;
  const container = spec.containers.find((c: { name: string }) => c.name === 'hub');
  // Each volume's files by path within the volume.
  const volumes = new Map<string, Record<string, string> | 'folder'>();
  for (const volume of spec.volumes ?? []) {
    const source = volume.configMap
      ? find(objects, 'ConfigMap', volume.configMap.name)
      : volume.secret
        ? find(objects, 'Secret', volume.secret.secretName)
        : undefined;
    if (!source) {
      volumes.set(volume.name, 'folder');
      continue;
    }
    const keys = keysOf(source);
    const items: Array<{ key: string; path: string }> | undefined = (volume.configMap ?? volume.secret).items;
    volumes.set(
      volume.name,
      items ? Object.fromEntries(items.map((item) => [item.path, keys[item.key]])) : keys,
    );
  }
  for (const mount of container.volumeMounts ?? []) {
    const files = volumes.get(mount.name);
    if (!files) throw new Error(`hub volume mount ${mount.name} has no volume`);
    const target = join(root, mount.mountPath);
    if (files === 'folder') {
      mkdirSync(target, { recursive: true });
    } else if (mount.subPath) {
      if (files[mount.subPath] === undefined) throw new Error(`volume ${mount.name} has no ${mount.subPath}`);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, files[mount.subPath]);
    } else {
      mkdirSync(target, { recursive: true });
      for (const [path, content] of Object.entries(files)) writeFileSync(join(target, path), content);
    }
  }

  const env: Record<string, string> = {};
  // What Kubernetes injects for each Service of the namespace (enableServiceLinks).
  objects
    .filter((o) => o.kind === 'Service')
    .forEach((service, i) => {
      const prefix = service.metadata.name.toUpperCase().replace(/-/g, '_');
      env[`${prefix}_SERVICE_HOST`] = `10.100.0.${i + 1}`;
      env[`${prefix}_SERVICE_PORT`] = String(service.spec.ports[0].port);
    });
  const outsideSecrets: string[] = [];
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) {
      env[variable.name] = String(variable.value);
    } else if (variable.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace') {
      env[variable.name] = namespace;
    } else if (variable.valueFrom?.secretKeyRef) {
      const { name, key } = variable.valueFrom.secretKeyRef;
      const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === name);
      if (secret) {
        env[variable.name] = keysOf(secret)[key];
      } else {
        outsideSecrets.push(`${name}/${key}`);
        env[variable.name] = `stand-in-for-${name}-${key}`;
      }
    } else {
      throw new Error(`hub env ${variable.name}: a source this test does not resolve`);
    }
  }
  return { env, outsideSecrets, args: container.args ?? [] };
}
