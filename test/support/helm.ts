/**
 * Renders a synthesized `helm_release` with the real helm (`helm template`) against its
 * pinned chart folder, the way helm will get it at apply time: each `values` document as a
 * `-f` file in order, then the `set`, `set_list` and `set_sensitive` entries. Terraform
 * references that only resolve at apply time (`${...}`) are replaced by recognisable
 * stand-ins first ({@link standIn}), so tests can follow each one into the manifests.
 */
import { execFile } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { promisify } from 'util';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { requireChartDir } from '../../lib/platform/chart-data';
import { blocks } from '../../tools/policy/stack-view';
import { StackJson } from './synth';
import { goTool } from './tools';

const run = promisify(execFile);

/** A Kubernetes object from the rendered manifests. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Manifest = Record<string, any>;

export interface RenderedRelease {
  readonly manifests: readonly Manifest[];
  /** Each Terraform expression found in the values (`data.x.y`), with the stand-in rendered for it. */
  readonly standIns: ReadonlyMap<string, string>;
}

/** `${expression}`, allowing one level of nested braces; `$${` is Terraform's escaped literal. */
const TOKEN = /(?<!\$)\$\{((?:[^{}]|\{[^{}]*\})*)\}/g;

/**
 * The environment for helm runs in tests: helm's config, cache and data folders inside the
 * run's temporary folder, so no test reads or writes the developer's helm repositories.
 */
export function helmEnv(): NodeJS.ProcessEnv {
  const home = join(tmpdir(), 'helm-home');
  return {
    ...process.env,
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_DATA_HOME: join(home, 'data'),
  };
}

/** The stand-in rendered in place of the Terraform expression `expression` (without `${}`). */
export function standIn(expression: string): string {
  return `TF<<${expression}>>`;
}

/** `value` with every Terraform token in its strings replaced by its stand-in, recording each in `found`. */
function withStandIns(value: unknown, found: Map<string, string>): unknown {
  if (typeof value === 'string') {
    return value.replace(TOKEN, (_token, expression: string) => {
      found.set(expression, standIn(expression));
      return standIn(expression);
    });
  }
  if (Array.isArray(value)) return value.map((item) => withStandIns(item, found));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withStandIns(v, found)]));
  }
  return value;
}

/** A --set value with helm's separators escaped. */
function setValue(value: unknown): string {
  return String(value).replace(/\\/g, '\\\\').replace(/,/g, '\\,');
}

/**
 * Renders `release` (a helm_release body of a synthesized stack) for a cluster running
 * Kubernetes `kubeVersion` (`1.33`). Throws with helm's error, naming the release and chart.
 */
export async function renderRelease(release: StackJson, kubeVersion: string): Promise<RenderedRelease> {
  const helm = goTool('helm');
  const chartDir = requireChartDir({ chart: release.chart, version: release.version });
  const found = new Map<string, string>();
  const dir = mkdtempSync(join(tmpdir(), 'helm-render-'));
  try {
    const args = [
      'template',
      release.name,
      chartDir,
      '--namespace',
      release.namespace ?? 'default',
      '--kube-version',
      kubeVersion,
    ];
    blocks(release.values).forEach((text, i) => {
      const layer: unknown = typeof text === 'string' ? parse(text) : undefined;
      if (layer === null || typeof layer !== 'object' || Array.isArray(layer)) {
        throw new Error(`${release.name}: values[${i}] is not a literal YAML map; cannot render it`);
      }
      const file = join(dir, `values-${i}.yaml`);
      writeFileSync(file, stringify(withStandIns(layer, found), { lineWidth: 0 }));
      args.push('-f', file);
    });
    for (const entry of [...blocks(release.set), ...blocks(release.set_sensitive)]) {
      const value = withStandIns(String(entry.value), found);
      args.push(entry.type === 'string' ? '--set-string' : '--set', `${entry.name}=${setValue(value)}`);
    }
    for (const entry of blocks(release.set_list)) {
      const items = blocks(entry.value).map((item) => setValue(withStandIns(String(item), found)));
      args.push('--set', `${entry.name}={${items.join(',')}}`);
    }
    let stdout: string;
    try {
      ({ stdout } = await run(helm, args, { maxBuffer: 64 * 1024 * 1024, env: helmEnv() }));
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? (error as Error).message;
      throw new Error(
        `helm template of ${release.name} (${release.chart} ${release.version}) failed: ${stderr}`,
      );
    }
    const manifests = parseAllDocuments(stdout)
      .map((doc) => doc.toJS() as Manifest | null)
      .filter((m): m is Manifest => m !== null && typeof m === 'object');
    return { manifests, standIns: found };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
