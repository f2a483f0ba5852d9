import { App } from 'cdktf';
import { existsSync, rmSync } from 'fs';
import { ConfigError, loadConfig } from '../config/load';
import { buildStacks } from './build';

export interface SynthesizeOptions {
  /** Environment definitions by name, as config/ writes them. */
  readonly environments: Readonly<Record<string, unknown>>;
  /** Monitoring deployments by name, as config/ writes them. @default none */
  readonly monitoring?: Readonly<Record<string, unknown>>;
  /** Where the Terraform JSON goes. @default 'cdktf.out' */
  readonly outdir?: string;
  /** Synthesize only these environments. @default all */
  readonly only?: readonly string[];
}

/**
 * Validates every environment, then synthesizes the selected ones. Validation covers all
 * environments even when only some are selected, and nothing is written unless all pass
 * and every stack builds; a failed build leaves a previous output as it was.
 * Throws {@link ConfigError} listing every problem.
 */
export function synthesize(options: SynthesizeOptions): string[] {
  const config = loadConfig(options.environments, options.monitoring ?? {});
  let environments = config.environments;
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
  // A monitoring deployment comes with the environments that report to it (all, without `only`).
  const monitoring = options.only
    ? config.monitoring.filter((m) => m.environments.some((name) => options.only?.includes(name)))
    : config.monitoring;
  // The cross-layer checks run while stacks are built, before anything is written; only the
  // App's empty folders exist by then. Synthesizing in place keeps terraform's working
  // folders (.terraform/, lock files) from the previous synth, as the cdktf CLI does.
  const outdir = options.outdir ?? 'cdktf.out';
  const existed = existsSync(outdir);
  try {
    const app = new App({ outdir });
    buildStacks(app, environments, monitoring);
    app.synth();
    return app.node.children.map((stack) => stack.node.id);
  } catch (error) {
    if (!existed) rmSync(outdir, { recursive: true, force: true });
    throw error;
  }
}
