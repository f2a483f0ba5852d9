/**
 * The tree digest of a chart: a sha256 over the files of its package, unpacked, that can be
 * computed from a chart folder without the package itself. `npm run charts` checks it on
 * every chart it unpacks; `npm run charts -- --record-tree-digests` records it from chart
 * folders (CI's pinned copies) in charts.lock.json. Defined in docs/charts.md:
 *
 * 1. The files: every regular file under the chart's folder (the folder named after the
 *    chart in the package), subcharts under `charts/` included; folders count only through
 *    their files. A link or any other kind of entry is an error.
 * 2. Each file's record is `<path>\0<sha256 of its content, hex>\n`, with `path` relative to
 *    the chart folder, `/`-separated. The content of every file named `Chart.yaml` is taken
 *    as data, since `helm package` writes it anew from its fields: the YAML parsed, the
 *    `annotations` field left out (publishing steps add some; a template could read them
 *    through `.Chart.Annotations`, which a test keeps out of the pinned charts), written as
 *    JSON with mapping keys sorted and no spaces.
 * 3. The digest is the sha256, hex, of the records sorted by path (UTF-16 code units, which
 *    for these ASCII paths is byte order), joined.
 *
 * A chart folder that is not a package (a source tree such as CI's pinned copies) is
 * first packaged by helm and unpacked ({@link packagedTreeDigest}), so `.helmignore` and
 * the rest of what `helm package` does apply exactly as they did for the published package.
 */
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { basename, delimiter, join, relative, sep } from 'path';
import { parse } from 'yaml';
import { extractTgz } from './tar';

function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${sortedJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The bytes a file contributes: a Chart.yaml as its fields without `annotations`, any other file as is. */
export function digestedContent(path: string, content: Buffer): Buffer {
  if (basename(path) !== 'Chart.yaml') return content;
  let fields: unknown;
  try {
    fields = parse(content.toString('utf8'));
  } catch (error) {
    throw new Error(`${path}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
    throw new Error(`${path}: not a YAML mapping`);
  }
  const rest: Record<string, unknown> = { ...(fields as Record<string, unknown>) };
  delete rest.annotations;
  return Buffer.from(sortedJson(rest), 'utf8');
}

function files(root: string, dir = root): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = lstatSync(path);
    if (stat.isDirectory()) found.push(...files(root, path));
    else if (stat.isFile()) found.push(relative(root, path).split(sep).join('/'));
    else throw new Error(`${path}: neither a file nor a folder; a chart holds only those`);
  }
  return found;
}

/** The tree digest of the unpacked chart in `folder` (64 hex digits). */
export function treeDigest(folder: string): string {
  if (!existsSync(join(folder, 'Chart.yaml'))) throw new Error(`${folder}: no Chart.yaml, not a chart`);
  const records = files(folder)
    .sort()
    .map((path) => {
      const content = digestedContent(path, readFileSync(join(folder, path)));
      return `${path}\0${createHash('sha256').update(content).digest('hex')}\n`;
    });
  return createHash('sha256').update(records.join('')).digest('hex');
}

/** helm: `.tools/bin/helm` of this repository (`bash .ci/install-tools.sh`), else the PATH. */
export function findHelm(): string {
  const pinned = join(__dirname, '..', '..', '.tools', 'bin', 'helm');
  if (existsSync(pinned)) return pinned;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'helm'))) return join(dir, 'helm');
  }
  throw new Error('helm not found: build the pinned tools with `bash .ci/install-tools.sh`');
}

/**
 * The tree digest of the package `helm package` makes of the chart folder `folder` (a
 * source tree or an unpacked package): packaged into a temporary folder, unpacked, digested.
 */
export function packagedTreeDigest(folder: string, helm = findHelm()): string {
  const work = mkdtempSync(join(tmpdir(), 'chart-tree-'));
  try {
    try {
      execFileSync(helm, ['package', folder, '--destination', join(work, 'package')], {
        stdio: 'pipe',
        env: { ...process.env, HELM_CACHE_HOME: join(work, 'helm'), HELM_CONFIG_HOME: join(work, 'helm') },
      });
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
      throw new Error(`helm package ${folder} failed: ${stderr || (error as Error).message}`);
    }
    const [archive] = readdirSync(join(work, 'package'));
    const unpacked = join(work, 'unpacked');
    extractTgz(readFileSync(join(work, 'package', archive)), unpacked);
    const [chart] = readdirSync(unpacked);
    return treeDigest(join(unpacked, chart));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
