import { App } from 'cdktf';
import { renameSync, rmSync } from 'fs';
import { ConfigError, loadEnvironments } from '../config/load';
import { buildStacks } from './build';

export interface SynthesizeOptions {
  /** Environment definitions by name, as config/ writes them. */
  readonly environments: Readonly<Record<string, unknown>>;
  /** Where the Terraform JSON goes. @default 'cdktf.out' */
  readonly outdir?: string;
  /** Synthesize only these environments. @default all */
  readonly only?: readonly string[];
}

/**
 * Validates every environment, then synthesizes the selected ones. Validation covers all
 * environments even when only some are selected, and nothing is written unless all pass
 * and every stack builds; a previous output is replaced only by a complete one.
 * Throws {@link ConfigError} listing every problem.
 */
export function synthesize(options: SynthesizeOptions): string[] {
  let environments = loadEnvironments(options.environments);
  if (options.only) {
    const known = environments.map((env) => env.name);
    const unknown = options.only.filter((name) => !known.includes(name));
    if (unknown.length > 0) {
      throw new ConfigError([
        `HUB_ENVIRONMENTS: unknown environment ${unknown.join(', ')}; known: ${known.join(', ')}`,
      ]);
    }
    environments = environments.filter((env) => options.only?.includes(env.name));
  }
  // Build into a sibling folder and move it into place only when every stack built: the
  // cross-layer checks run while stacks are built, after the App has created its folder.
  const outdir = options.outdir ?? 'cdktf.out';
  const partial = `${outdir}.partial-${process.pid}`;
  try {
    const app = new App({ outdir: partial });
    buildStacks(app, environments);
    app.synth();
    rmSync(outdir, { recursive: true, force: true });
    renameSync(partial, outdir);
    return app.node.children.map((stack) => stack.node.id);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}
