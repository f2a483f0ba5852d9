/**
 * The tree digest: its definition (docs/charts.md) on small trees, and the lock's tree
 * digests against the chart folders the tests render (UPSTREAM_CHARTS_DIR in CI, else the
 * cache `npm run charts` filled), so the lock pins exactly the charts CI tests against.
 */
import { createHash } from 'crypto';
import { execFileSync } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { requireChartDir } from '../../../lib/platform/chart-data';
import { lockWithTreeDigests } from '../../../tools/charts/cli';
import { readLock, writeLock } from '../../../tools/charts/lock';
import { extractTgz } from '../../../tools/charts/tar';
import { packagedTreeDigest, treeDigest } from '../../../tools/charts/tree-digest';
import { helmEnv } from '../../support/helm';
import { goTool } from '../../support/tools';

function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A chart folder holding `files` (relative path to content). */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tree-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const CHART = 'apiVersion: v2\nname: demo\nversion: 1.2.3\n';
const TEMPLATE = 'kind: ConfigMap\n';

describe('treeDigest', () => {
  it('is the sha256 of "<path>\\0<sha256 of content>\\n" records sorted by path, Chart.yaml taken as sorted JSON', () => {
    const dir = tree({
      'templates/cm.yaml': TEMPLATE,
      'Chart.yaml': CHART,
      'charts/sub/values.yaml': 'a: 1\n',
    });
    const chartJson = '{"apiVersion":"v2","name":"demo","version":"1.2.3"}';
    const records = [
      `Chart.yaml\0${sha256(chartJson)}\n`,
      `charts/sub/values.yaml\0${sha256('a: 1\n')}\n`,
      `templates/cm.yaml\0${sha256(TEMPLATE)}\n`,
    ];
    expect(treeDigest(dir)).toBe(sha256(records.join('')));
  });

  it('ignores the layout, comments and annotations of Chart.yaml, but no field it renders with', () => {
    const base = treeDigest(tree({ 'Chart.yaml': CHART, 'templates/cm.yaml': TEMPLATE }));
    const relaid =
      '# comment\nversion: "1.2.3"\nname: demo\napiVersion: v2\n' +
      'annotations:\n  artifacthub.io/images: |\n    - image: x:1\n';
    expect(treeDigest(tree({ 'Chart.yaml': relaid, 'templates/cm.yaml': TEMPLATE }))).toBe(base);
    const otherAppVersion = `${CHART}appVersion: 2.0.0\n`;
    expect(treeDigest(tree({ 'Chart.yaml': otherAppVersion, 'templates/cm.yaml': TEMPLATE }))).not.toBe(base);
  });

  it('changes with any byte of any other file, a renamed file and an added file', () => {
    const base = treeDigest(tree({ 'Chart.yaml': CHART, 'templates/cm.yaml': TEMPLATE }));
    const variants: Array<Record<string, string>> = [
      { 'Chart.yaml': CHART, 'templates/cm.yaml': `${TEMPLATE} ` },
      { 'Chart.yaml': CHART, 'templates/cm2.yaml': TEMPLATE },
      { 'Chart.yaml': CHART, 'templates/cm.yaml': TEMPLATE, 'templates/NOTES.txt': '' },
    ];
    const digests = variants.map((files) => treeDigest(tree(files)));
    expect(new Set([base, ...digests]).size).toBe(4);
  });

  it('refuses a link inside the chart and a folder without Chart.yaml', () => {
    const dir = tree({ 'Chart.yaml': CHART });
    symlinkSync('/etc/passwd', join(dir, 'values.yaml'));
    expect(() => treeDigest(dir)).toThrow(`${join(dir, 'values.yaml')}: neither a file nor a folder`);
    const empty = tree({ 'values.yaml': '' });
    expect(() => treeDigest(empty)).toThrow(`${empty}: no Chart.yaml, not a chart`);
  });

  it('of a source folder, through helm package, equals that of the package helm makes of it', () => {
    const helm = goTool('helm');
    const work = mkdtempSync(join(tmpdir(), 'tree-helm-'));
    execFileSync(helm, ['create', join(work, 'demo')], { stdio: 'pipe', env: helmEnv() });
    // .helmignore keeps this out of the package; the tree digest must too.
    writeFileSync(join(work, 'demo', 'notes.bak'), 'left out');
    execFileSync(helm, ['package', join(work, 'demo'), '--destination', join(work, 'pkg')], {
      stdio: 'pipe',
      env: helmEnv(),
    });
    const unpacked = join(work, 'unpacked');
    extractTgz(readFileSync(join(work, 'pkg', readdirSync(join(work, 'pkg'))[0])), unpacked);
    expect(packagedTreeDigest(join(work, 'demo'), helm)).toBe(treeDigest(join(unpacked, 'demo')));
    expect(treeDigest(join(work, 'demo'))).not.toBe(treeDigest(join(unpacked, 'demo')));
  });
});

describe('the tree digests in charts.lock.json', () => {
  const lock = readLock();

  it.each(lock.charts.map((c) => [`${c.name}-${c.version}`, c] as const))(
    'pin %s exactly as the chart folder the tests render',
    (_folder, chart) => {
      const folder = requireChartDir({ chart: chart.name, version: chart.version });
      expect(packagedTreeDigest(folder, goTool('helm'))).toBe(chart.treeDigest);
    },
  );

  it('cover no field a template reads: no pinned chart reads .Chart.Annotations', () => {
    const readers: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (/\.Chart\.Annotations/.test(readFileSync(path, 'utf8'))) readers.push(path);
      }
    };
    for (const chart of lock.charts) walk(requireChartDir({ chart: chart.name, version: chart.version }));
    expect(readers).toEqual([]);
  });
});

describe('npm run charts -- --record-tree-digests', () => {
  it('records the tree digest of each selected chart from its folder, and names a missing folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'charts-'));
    const source = tree({ 'Chart.yaml': CHART, 'templates/cm.yaml': TEMPLATE });
    execFileSync('cp', ['-r', source, join(dir, 'demo-1.2.3')]);
    const demo = {
      name: 'demo',
      version: '1.2.3',
      repository: 'https://charts.example',
      url: 'https://charts.example/demo-1.2.3.tgz',
      digest: null,
      treeDigest: null,
      note: 'test',
    };
    const missing = { ...demo, name: 'absent' };
    const file = join(dir, 'charts.lock.json');
    writeFileSync(file, JSON.stringify({ '//': 'comment', charts: [demo, missing] }));
    const { charts, failures } = lockWithTreeDigests(
      readLock(file).charts,
      ['demo', 'absent'],
      dir,
      goTool('helm'),
    );
    writeLock({ charts }, file);
    expect(readLock(file).charts).toEqual([
      { ...demo, treeDigest: packagedTreeDigest(source, goTool('helm')) },
      missing,
    ]);
    expect(failures).toEqual([
      expect.stringMatching(/^absent 1\.2\.3: helm package .*absent-1\.2\.3 failed: /),
    ]);
  });
});
