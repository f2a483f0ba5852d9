/**
 * Where tests find the real tools they run, each installed by the project's own scripts:
 * - the hub's Python environment (JupyterHub 5.5, KubeSpawner, the idle culler, moto) in
 *   `HUB_VENV`, default `.venv` at the repository root (`bash .ci/setup-python.sh`);
 * - helm, actionlint and, when none is on the PATH, terraform in `.tools/bin`, and the
 *   default ClusterRoles and bindings of each Kubernetes minor in `.tools/kubernetes`
 *   (`bash .ci/install-tools.sh`);
 * - configurable-http-proxy from node_modules (a pinned devDependency).
 * A missing tool is an error that says what to run, never a skipped test.
 */
import { existsSync } from 'fs';
import { delimiter, join, resolve } from 'path';

export const REPO_ROOT = resolve(__dirname, '..', '..');

/** The hub's virtual environment: `HUB_VENV`, else `.venv` in the repository. */
export function hubVenv(): string {
  return resolve(process.env.HUB_VENV ?? join(REPO_ROOT, '.venv'));
}

/** An executable of the hub's virtual environment (`python`, `jupyterhub`, `moto_server`, ...). */
export function venvBin(name: string): string {
  const path = join(hubVenv(), 'bin', name);
  if (!existsSync(path)) {
    throw new Error(
      `${path} not found: create the hub's Python environment with \`bash .ci/setup-python.sh\``,
    );
  }
  return path;
}

/** The hub environment's python. */
export function hubPython(): string {
  return venvBin('python');
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * A Go-built tool: `.tools/bin/<name>` (pinned, from `.ci/install-tools.sh`), else the
 * PATH (terraform is taken from the PATH when one is there).
 */
export function goTool(name: 'helm' | 'terraform' | 'actionlint'): string {
  const pinned = join(REPO_ROOT, '.tools', 'bin', name);
  const found = existsSync(pinned) ? pinned : onPath(name);
  if (!found) throw new Error(`${name} not found: build the pinned tools with \`bash .ci/install-tools.sh\``);
  return found;
}

/**
 * A file of the default RBAC policy Kubernetes `minor` (e.g. 1.35) ships, as its own source
 * pins it: `cluster-roles.yaml` or `cluster-role-bindings.yaml`.
 */
export function kubernetesPolicyFile(
  minor: string,
  file: 'cluster-roles.yaml' | 'cluster-role-bindings.yaml',
): string {
  const path = join(REPO_ROOT, '.tools', 'kubernetes', minor, file);
  if (!existsSync(path))
    throw new Error(
      `${path} not found: \`bash .ci/install-tools.sh\` takes it for each minor it names (a new minor needs a kubernetes_roles line there)`,
    );
  return path;
}

/** A Debian-packaged tool (`promtool`, `prometheus`, `amtool`, ...) on the PATH or in /usr/bin. */
export function systemTool(name: string, aptPackage: string): string {
  const found = onPath(name) ?? (existsSync(join('/usr/bin', name)) ? join('/usr/bin', name) : undefined);
  if (!found) throw new Error(`${name} not found: apt-get install ${aptPackage}`);
  return found;
}
