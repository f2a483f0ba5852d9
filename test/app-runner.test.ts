/**
 * How the app is started (bin/app.cjs, what `npm run synth` and `cdktf synth` run): the
 * compiled build synthesizes exactly what the source does, and the launcher runs the
 * build only while it is newer than every source file.
 */
import { spawnSync } from 'child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';
import { PROJECT_ROOT } from '../lib/project-paths';

/** How the launcher runs the source. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SOURCE_NODE_ARGS } = require('../bin/app.cjs') as { SOURCE_NODE_ARGS: string[] };

/** Every file under `dir`, by path relative to it. */
function filesUnder(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  return files;
}

function synth(args: string[], outdir: string) {
  return spawnSync(process.execPath, args, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, CDKTF_OUTDIR: outdir },
    encoding: 'utf8',
  });
}

describe('the compiled app', () => {
  // Built inside the checkout, as `npm run build` builds dist/, so it finds values/ the same way.
  const build = mkdtempSync(join(PROJECT_ROOT, '.build-test-'));
  const out = mkdtempSync(join(tmpdir(), 'hub-app-runner-'));
  afterAll(() => {
    rmSync(build, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  it('synthesizes the same stacks, byte for byte, as the source', () => {
    const tsc = spawnSync(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', build],
      { cwd: PROJECT_ROOT, encoding: 'utf8' },
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);

    const compiled = synth([join(build, 'main.js')], join(out, 'compiled'));
    expect(compiled.status).toBe(0);
    const source = synth([...SOURCE_NODE_ARGS, 'main.ts'], join(out, 'source'));
    expect(source.status).toBe(0);
    // An offline synth of every environment warns of their example values (main.test.ts);
    // the build warns of exactly the same, and of nothing else.
    expect(source.stderr).toMatch(/^warning: example values/);
    expect(compiled.stderr).toBe(source.stderr);

    const fromBuild = filesUnder(join(out, 'compiled'));
    const fromSource = filesUnder(join(out, 'source'));
    expect([...fromBuild.keys()].sort()).toEqual([...fromSource.keys()].sort());
    expect([...fromBuild.keys()].filter((f) => f.endsWith('cdk.tf.json')).length).toBeGreaterThan(2);
    for (const [file, text] of fromSource)
      expect({ file, text: fromBuild.get(file) }).toEqual({ file, text });
  }, 300_000);
});

describe('bin/app.cjs', () => {
  /** A copy of the launcher in a project whose main.ts and dist/main.js say which one ran. */
  function fakeProject() {
    const root = mkdtempSync(join(tmpdir(), 'hub-launcher-'));
    for (const dir of ['bin', 'dist', 'config', 'lib', 'stacks', 'tools']) mkdirSync(join(root, dir));
    for (const file of ['app.cjs', 'source-runtime.cjs'])
      copyFileSync(join(PROJECT_ROOT, 'bin', file), join(root, 'bin', file));
    writeFileSync(join(root, 'main.ts'), "console.log('source');\n");
    writeFileSync(join(root, 'lib', 'a.ts'), 'export {};\n');
    writeFileSync(join(root, 'dist', 'main.js'), "console.log('compiled');\n");
    return root;
  }
  const setTime = (path: string, seconds: number) => utimesSync(path, seconds, seconds);
  // tsx is resolved from the working directory, as when npm runs the script in the checkout.
  const launch = (root: string) =>
    spawnSync(process.execPath, [join(root, 'bin', 'app.cjs')], { cwd: PROJECT_ROOT, encoding: 'utf8' });

  it('runs the build when it is newer than every source file', () => {
    const root = fakeProject();
    setTime(join(root, 'main.ts'), 1_000);
    setTime(join(root, 'lib', 'a.ts'), 1_000);
    setTime(join(root, 'dist', 'main.js'), 2_000);
    expect(launch(root).stdout).toBe('compiled\n');
    rmSync(root, { recursive: true, force: true });
  });

  it('runs the source when any source file changed after the build', () => {
    const root = fakeProject();
    setTime(join(root, 'main.ts'), 1_000);
    setTime(join(root, 'dist', 'main.js'), 2_000);
    setTime(join(root, 'lib', 'a.ts'), 3_000);
    expect(statSync(join(root, 'lib', 'a.ts')).mtimeMs).toBeGreaterThan(
      statSync(join(root, 'dist', 'main.js')).mtimeMs,
    );
    expect(launch(root).stdout).toBe('source\n');
    rmSync(root, { recursive: true, force: true });
  });

  it("runs the source through tsx with Node's source maps off (cdktf's token stack traces)", () => {
    const root = fakeProject();
    rmSync(join(root, 'dist', 'main.js'));
    // Type syntax: only tsx can run it.
    writeFileSync(
      join(root, 'main.ts'),
      'const on: boolean = process.sourceMapsEnabled;\nconsole.log(on);\n',
    );
    expect(launch(root).stdout).toBe('false\n');
    rmSync(root, { recursive: true, force: true });
  });

  it('runs the source when there is no build, and passes on its exit code', () => {
    const root = fakeProject();
    rmSync(join(root, 'dist', 'main.js'));
    writeFileSync(join(root, 'main.ts'), "console.log('source'); process.exitCode = 3;\n");
    const run = launch(root);
    expect(run.stdout).toBe('source\n');
    expect(run.status).toBe(3);
    rmSync(root, { recursive: true, force: true });
  });
});
