/**
 * Helm releases as helm sees them: the YAML documents of `values` merged in order, then
 * the `set`, `set_list` and `set_sensitive` entries applied on top. Entries the guard
 * cannot read are kept as problems, never dropped silently.
 */
import { parse } from 'yaml';
import { Values, mergeValues } from '../../lib/platform/helm-values';
import { parseJsonencode, parseYamlencode } from './hcl';
import { StackView, TfResource, blocks, list } from './stack-view';
import { Json } from './types';

export interface HelmRelease {
  readonly resource: TfResource;
  readonly chart: string;
  readonly version: unknown;
  /** The merged values of every layer the guard could read. */
  readonly values: Values;
  /** Why each unreadable values entry could not be read; rules saw only the other layers. */
  readonly unreadable: readonly string[];
}

/** Whether a release installs `chart` (by name, from a repository, a URL or an OCI reference). */
function isChart(chart: unknown, name: string): boolean {
  if (typeof chart !== 'string') return false;
  const last = chart.split('/').pop() ?? '';
  return chart === name || last === name || last.replace(/-\d+\.\d+\.\d+.*\.tgz$/, '') === name;
}

const cache = new WeakMap<object, HelmRelease>();

/** Every helm_release of the stack with its merged values. */
export function helmReleases(stack: StackView): HelmRelease[] {
  return stack.resources('helm_release').map((resource) => {
    let release = cache.get(resource.body);
    if (!release) {
      release = {
        resource,
        chart: resource.body.chart,
        version: resource.body.version,
        ...releaseValues(resource.body),
      };
      cache.set(resource.body, release);
    }
    return release;
  });
}

/** The stack's releases of `chart`. */
export function releasesOf(stack: StackView, chart: string): HelmRelease[] {
  return helmReleases(stack).filter((r) => isChart(r.chart, chart));
}

/** One `values` entry as a values tree, or why it cannot be read. */
function valuesLayer(text: unknown, at: string): { layer?: Values; problem?: string } {
  const notLiteral = `${at} is not a literal YAML document; the guard cannot check it`;
  if (typeof text !== 'string') return { problem: notLiteral };
  // helm reads JSON as YAML, so a jsonencode layer is as good as a yamlencode one.
  let parsed: unknown = parseYamlencode(text) ?? parseJsonencode(text);
  if (parsed === undefined) {
    try {
      parsed = parse(text) ?? {}; // an empty document sets nothing
    } catch (error) {
      return { problem: `${at} is not valid YAML: ${(error as Error).message.split('\n')[0]}` };
    }
  }
  // Anything but a map was an expression: "${file(...)}", or yamlencode of a call such as merge(...).
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { problem: notLiteral };
  return { layer: parsed as Values };
}

/**
 * Values of a helm_release body: YAML layers, then set entries, as `helm install -f ... --set ...`.
 * `${yamlencode({...})}` and `${jsonencode({...})}` layers are read like the YAML they render to.
 */
export function releaseValues(body: Json): { values: Values; unreadable: string[] } {
  const layers: Values[] = [];
  const unreadable: string[] = [];
  list(body.values).forEach((text, i) => {
    const { layer, problem } = valuesLayer(text, `values[${i}]`);
    if (layer) layers.push(layer);
    if (problem) unreadable.push(problem);
  });
  const merged = mergeValues(...layers);
  for (const entry of [...blocks(body.set), ...blocks(body.set_sensitive)]) {
    setPath(merged, entry.name, entry.type === 'string' ? String(entry.value) : typed(entry.value));
  }
  for (const entry of blocks(body.set_list)) setPath(merged, entry.name, list(entry.value));
  return { values: merged, unreadable };
}

/** helm's --set typing: true/false, null and integers are not strings. */
function typed(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  if (value === 'null') return null;
  if (/^-?(0|[1-9]\d*)$/.test(value)) return Number(value);
  return value;
}

/** Splits a --set name on unescaped dots, with `[n]` list indices: `a\.b.c[0].d`. */
export function setPathSegments(name: string): Array<string | number> {
  const segments: Array<string | number> = [];
  let current = '';
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === '\\' && i + 1 < name.length) current += name[++i];
    else if (c === '.') {
      if (current) segments.push(current);
      current = '';
    } else if (c === '[') {
      if (current) segments.push(current);
      current = '';
      const end = name.indexOf(']', i);
      segments.push(Number(name.slice(i + 1, end)));
      i = end;
    } else current += c;
  }
  if (current) segments.push(current);
  return segments;
}

function setPath(root: Values, name: string, value: unknown): void {
  const segments = setPathSegments(name);
  let node: Json = root;
  segments.forEach((segment, i) => {
    if (i === segments.length - 1) {
      node[segment] = value;
      return;
    }
    const next = segments[i + 1];
    if (node[segment] === null || typeof node[segment] !== 'object')
      node[segment] = typeof next === 'number' ? [] : {};
    node = node[segment];
  });
}

/** The value at a dotted path of a values tree (`hub.networkPolicy.enabled`). */
export function valueAt(values: Values | undefined, path: string): unknown {
  let node: unknown = values;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Values)[key];
  }
  return node;
}
