/**
 * `npm run rules` and `npm run dashboards`: the modules the CLIs are thin over, and the
 * CLIs themselves once, as a user runs them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DASHBOARDS_COMMAND } from '../../../tools/dashboards/command';
import { RULES_COMMAND } from '../../../tools/rules/command';
import { Io, runExport } from '../../../tools/export/write-files';
import { REPO_ROOT } from '../../support/tools';

let dir: string;
let lines: { out: string[]; err: string[] };
let io: Io;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'export-'));
  lines = { out: [], err: [] };
  io = { out: (l) => lines.out.push(l), err: (l) => lines.err.push(l) };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('rules writes the five rule files as YAML with groups', () => {
  expect(runExport(RULES_COMMAND, ['--out', join(dir, 'rules')], io)).toBe(0);
  const files = readdirSync(join(dir, 'rules')).sort();
  expect(files).toEqual([
    'jupyterhub.rules.yaml',
    'monitoring.rules.yaml',
    'nodes.rules.yaml',
    'servers.rules.yaml',
    'storage.rules.yaml',
  ]);
  for (const f of files) {
    expect((parse(readFileSync(join(dir, 'rules', f), 'utf8')) as { groups: unknown[] }).groups.length).toBe(
      2,
    );
  }
  expect(lines.out.join('\n')).toContain('rules: wrote 5 files');
});

it('dashboards writes one JSON file per dashboard, named by uid', () => {
  expect(runExport(DASHBOARDS_COMMAND, ['--out', dir], io)).toBe(0);
  const files = readdirSync(dir).sort();
  expect(files).toHaveLength(6);
  for (const f of files) {
    const json = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { uid: string; panels: unknown[] };
    expect(f).toBe(`${json.uid}.json`);
    expect(json.panels.length).toBeGreaterThan(3);
  }
});

describe('bad arguments fail before anything is written', () => {
  it.each([
    [[], /^rules: --out: missing; give the directory to write into/],
    [['--out'], /^rules: Option '--out <value>' argument missing/],
    [['--output', 'x'], /^rules: Unknown option '--output'/],
    [['--out', 'a', 'b'], /^rules: Unexpected argument 'b'/],
  ])('%j', (argv, message) => {
    expect(runExport(RULES_COMMAND, argv, io)).toBe(2);
    expect(lines.err.join('\n')).toMatch(message);
    expect(lines.err.join('\n')).toContain('usage: npm run rules -- --out DIR');
  });

  it('an --out that is a file', () => {
    const file = join(dir, 'taken');
    writeFileSync(file, 'x');
    expect(runExport(DASHBOARDS_COMMAND, ['--out', file], io)).toBe(2);
    expect(lines.err[0]).toMatch(/^dashboards: --out: ".*taken" is a file, not a directory/);
    expect(readFileSync(file, 'utf8')).toBe('x');
  });
});

it('runs as npm run rules -- --out DIR', () => {
  const res = spawnSync('npm', ['run', '--silent', 'rules', '--', '--out', join(dir, 'r')], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(res.stderr).toBe('');
  expect(res.status).toBe(0);
  expect(existsSync(join(dir, 'r', 'jupyterhub.rules.yaml'))).toBe(true);
});
