import { App } from 'cdktf';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  ConfigError,
  loadEnvironments,
  loadMonitoring,
  monitoringPlaceholderProblems,
  placeholderProblems,
} from '../config/load';
import { MonitoringConfig } from '../config/monitoring-schema';
import { Environment } from '../config/schema';
import { pinnedChartData } from '../lib/platform/chart-values';
import { CHARTS } from '../lib/platform/charts';
import { VALUES_DIR } from '../lib/platform/helm-values';
import { checkValuesFolder } from '../lib/platform/values-check';
import { withoutTokenCreationStacks } from '../lib/token-creation-stacks';
import { ConfiguredSet, buildStacks } from './build';

export interface SynthesizeOptions {
  /** Environment definitions by name, as config/ writes them. */
  readonly environments: Readonly<Record<string, unknown>>;
  /** Monitoring deployments by name, as config/ writes them. @default none */
  readonly monitoring?: Readonly<Record<string, unknown>>;
  /** Where the Terraform JSON goes. @default 'cdktf.out' */
  readonly outdir?: string;
  /** Synthesize only these environments. @default all */
  readonly only?: readonly string[];
  /**
   * Refuse example values (account 123456789012, example.org names) in the selected
   * environments outside development and in the monitoring deployments that come with them,
   * as a synth meant for deploying must. @default false
   */
  readonly refusePlaceholders?: boolean;
  /**
   * Let cdktf record each token's creation stack, which an unresolvable token's error then
   * prints; off by default, it costs a tenth of the synth's CPU time. @default false
   */
  readonly tokenCreationStacks?: boolean;
  /** The Helm values folder, checked before anything is built. @default VALUES_DIR */
  readonly valuesDir?: string;
}

/** The chart values folders the stacks read, by folder name (each chart's name). */
const VALUES_FOLDERS = Object.fromEntries(Object.values(CHARTS).map((pin) => [pin.chart, pin]));

/** What a synth wrote. */
export interface Synthesis {
  /** The ids of the stacks written. */
  readonly stacks: string[];
  /** The environments synthesized. */
  readonly environments: Environment[];
  /**
   * The example values left in them and in their monitoring deployments, one line per field
   * (a synth with `refusePlaceholders` refuses them instead).
   */
  readonly exampleValues: string[];
}

/**
 * Every problem of the configuration (environments and monitoring) and the values folder,
 * all at once; else every configured environment and monitoring deployment, the
 * environments selected, the monitoring deployments that come with them (all without a
 * selection; else those an environment selected reports to), and the example values in
 * those two.
 */
function validate(options: SynthesizeOptions): {
  configured: ConfiguredSet;
  selected: Environment[];
  monitoring: MonitoringConfig[];
  exampleValues: string[];
} {
  const problems: string[] = [];
  const names = Object.entries(options.environments).map(([label, input]) => {
    const name = (input as { name?: unknown } | undefined)?.name;
    return typeof name === 'string' ? name : label;
  });
  let environments: Environment[] = [];
  try {
    environments = loadEnvironments(options.environments);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  problems.push(
    ...checkValuesFolder({
      valuesDir: options.valuesDir ?? VALUES_DIR,
      environments: names,
      charts: VALUES_FOLDERS,
      chartData: pinnedChartData,
    }),
  );
  const unknown = (options.only ?? []).filter((name) => !names.includes(name));
  if (unknown.length > 0)
    problems.push(`HUB_ENVIRONMENTS: unknown environment ${unknown.join(', ')}; known: ${names.join(', ')}`);
  let monitoring: MonitoringConfig[] = [];
  try {
    // Against valid environments only: otherwise every reference to one would be reported too.
    if (problems.length === 0) monitoring = loadMonitoring(options.monitoring ?? {}, environments);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  const selected = (name: string) => !options.only || options.only.includes(name);
  const selectedEnvironments = environments.filter((env) => selected(env.name));
  const selectedMonitoring = monitoring.filter((m) => m.environments.some(selected));
  const exampleValues = [
    ...placeholderProblems(selectedEnvironments),
    ...monitoringPlaceholderProblems(selectedMonitoring),
  ];
  if (options.refusePlaceholders) problems.push(...exampleValues);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    configured: { environments, monitoring },
    selected: selectedEnvironments,
    monitoring: selectedMonitoring,
    exampleValues,
  };
}

/**
 * Validates every environment and the values folder, then synthesizes the selected
 * environments. Validation covers all environments even when only some are selected, and
 * nothing is written unless all pass and every stack builds; a failed build leaves a
 * previous output as it was. After a synth, `<outdir>/stacks/` holds exactly the stacks
 * just written: folders of stacks this synth did not write are removed (a stack's own
 * terraform working files are kept). Returns what it wrote.
 * Throws {@link ConfigError} listing every problem.
 */
export function synthesize(options: SynthesizeOptions): Synthesis {
  const { configured, selected: environments, monitoring, exampleValues } = validate(options);
  // The cross-layer checks run while stacks are built, before anything is written; only the
  // App's empty folders exist by then. Synthesizing in place keeps terraform's working
  // folders (.terraform/, lock files) from the previous synth, as the cdktf CLI does.
  const outdir = options.outdir ?? 'cdktf.out';
  const existed = existsSync(outdir);
  let ids: string[];
  try {
    const build = options.tokenCreationStacks ? <T>(run: () => T) => run() : withoutTokenCreationStacks;
    ids = build(() => {
      const app = new App({ outdir });
      buildStacks(app, environments, monitoring, configured);
      app.synth();
      return app.node.children.map((stack) => stack.node.id);
    });
  } catch (error) {
    if (!existed) rmSync(outdir, { recursive: true, force: true });
    // A construct's check stops the build at the first environment it fails in; build each
    // on its own to report every environment's problems at once.
    if (error instanceof ConfigError && environments.length > 1) throw buildProblems(environments);
    throw error;
  }
  removeStaleStacks(join(outdir, 'stacks'), ids);
  return { stacks: ids, environments, exampleValues };
}

/** The build-time problems of each environment, built one at a time into a scratch folder. */
function buildProblems(environments: readonly Environment[]): ConfigError {
  const scratch = mkdtempSync(join(tmpdir(), 'hub-synth-check-'));
  const problems: string[] = [];
  try {
    for (const env of environments) {
      try {
        buildStacks(new App({ outdir: scratch }), [env]);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        problems.push(...error.problems);
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return new ConfigError(problems);
}

/** Removes the folders of stacks an earlier synth wrote and this one did not. */
function removeStaleStacks(stacksDir: string, written: readonly string[]): void {
  if (!existsSync(stacksDir)) return;
  for (const entry of readdirSync(stacksDir, { withFileTypes: true })) {
    if (entry.isDirectory() && !written.includes(entry.name))
      rmSync(join(stacksDir, entry.name), { recursive: true, force: true });
  }
}
