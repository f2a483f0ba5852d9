#!/usr/bin/env node
/**
 * The app as `cdktf synth`, `cdktf deploy` and `npm run synth` start it: the compiled
 * dist/main.js when `npm run build` made it after the last change to any source file,
 * else main.ts through tsx (a few tenths of a second more, `npm run bench`), so a stale
 * build is never run.
 * Plain JavaScript, so that choosing costs nothing to load.
 *
 * From source, node runs with {@link SOURCE_NODE_ARGS}: tsx's CommonJS hook only (the
 * project compiles to CommonJS; tsx's ESM loader would add a thread it asks on every
 * require), without source maps and leaving node_modules to Node (bin/source-runtime.cjs).
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

/** Node's arguments before a TypeScript entry point. */
const SOURCE_NODE_ARGS = ['--require', join(__dirname, 'source-runtime.cjs')];
module.exports = { SOURCE_NODE_ARGS };

if (require.main === module) {
  const fresh = existsSync(compiled) && statSync(compiled).mtimeMs >= newestSource();
  const args = fresh ? [compiled] : [...SOURCE_NODE_ARGS, join(root, 'main.ts')];
  const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
  process.exitCode = run.status ?? 1;
}
