#!/usr/bin/env node
/**
 * The app as `cdktf synth`, `cdktf deploy` and `npm run synth` start it: the compiled
 * dist/main.js when `npm run build` made it after the last change to any source file
 * (about 1 s), else main.ts through tsx (about 2 s), so a stale build is never run.
 * Plain JavaScript, so that choosing costs nothing to load.
 */
const { spawnSync } = require('child_process');
const { existsSync, readdirSync, statSync } = require('fs');
const { join } = require('path');

const root = join(__dirname, '..');
const compiled = join(root, 'dist', 'main.js');
const SOURCE_DIRS = ['config', 'lib', 'stacks', 'tools'];

/** The newest modification time of main.ts and every .ts file under the source folders. */
function newestSource() {
  let newest = statSync(join(root, 'main.ts')).mtimeMs;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  SOURCE_DIRS.forEach((dir) => walk(join(root, dir)));
  return newest;
}

const fresh = existsSync(compiled) && statSync(compiled).mtimeMs >= newestSource();
const args = fresh ? [compiled] : ['--import', 'tsx', join(root, 'main.ts')];
const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exitCode = run.status ?? 1;
