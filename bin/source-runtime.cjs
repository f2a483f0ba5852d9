/**
 * Preloaded when the app runs from source (bin/app.cjs, SOURCE_NODE_ARGS): tsx's CommonJS
 * hook for the TypeScript, and two things tsx does that a synth does not need.
 *
 * - Source maps: tsx turns Node's on, and Node then maps every frame of every stack trace
 *   the process takes: still about 0.15 s and 18 MiB of a synth, though synthesize() builds
 *   without cdktf's stack trace per token (lib/token-creation-stacks.ts), which mapped cost
 *   a third of the CPU time and 90 MiB. Off again here; a stack trace then shows transpiled
 *   lines (for TypeScript lines run `npx tsx main.ts`).
 * - node_modules: tsx's `.js` handler scans every JavaScript file for ES module syntax
 *   before Node compiles it, the provider bindings' 7 MB files included. Packages are loaded
 *   by Node's own handler instead, as the compiled build loads them.
 *
 * tsx is resolved from the working directory first, as `--require tsx/cjs` would be.
 */
const Module = require('module');

const nodeJs = Module._extensions['.js'];
require(require.resolve('tsx/cjs', { paths: [process.cwd(), __dirname] }));
const tsxJs = Module._extensions['.js'];

process.setSourceMapsEnabled(false);

const NODE_MODULES = `${require('path').sep}node_modules${require('path').sep}`;
Module._extensions['.js'] = function loadJs(module, filename) {
  return (filename.includes(NODE_MODULES) ? nodeJs : tsxJs).call(this, module, filename);
};
