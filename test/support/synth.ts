/**
 * Synthesizes the real application for tests: every environment in config/, or a given
 * list, into a temporary directory, and returns each stack's Terraform JSON by stack id.
 * The full synth of config/ is done once per jest run (global-setup.ts) and read from
 * disk here; each test file gets its own parsed copy, so mutating it is safe.
 */
import { App } from 'cdktf';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse } from 'yaml';
import { ENVIRONMENTS, MONITORING } from '../../config';
import { loadConfig, loadEnvironments } from '../../config/load';
import { MonitoringConfig } from '../../config/monitoring-schema';
import { Environment } from '../../config/schema';
import { ConfiguredSet, buildStacks } from '../../stacks/build';

/** A synthesized stack: the parsed `cdk.tf.json`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type StackJson = Record<string, any>;

let cached: Map<string, StackJson> | undefined;

function readStacks(outdir: string): Map<string, StackJson> {
  const stacks = new Map<string, StackJson>();
  for (const id of readdirSync(join(outdir, 'stacks'))) {
    stacks.set(id, JSON.parse(readFileSync(join(outdir, 'stacks', id, 'cdk.tf.json'), 'utf8')));
  }
  return stacks;
}

/**
 * Synthesizes `environments` (default: every environment in config/) and returns stack JSON by
 * id; `configured` is the whole configuration they were selected from (default: themselves).
 */
export function synthStacks(
  environments?: readonly Environment[],
  monitoring: readonly MonitoringConfig[] = [],
  configured?: ConfiguredSet,
): Map<string, StackJson> {
  if (!environments) {
    const shared = process.env.HUB_TEST_SYNTH_DIR;
    const config = loadConfig(ENVIRONMENTS, MONITORING);
    cached ??= shared ? readStacks(shared) : synthStacks(config.environments, config.monitoring);
    return cached;
  }
  const outdir = mkdtempSync(join(tmpdir(), 'hub-synth-'));
  try {
    const app = new App({ outdir });
    buildStacks(app, environments, monitoring, configured);
    app.synth();
    return readStacks(outdir);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** The validated environments from config/. */
export function configuredEnvironments(): Environment[] {
  return loadEnvironments(ENVIRONMENTS);
}

/** All resources of `type` in a stack, as [logical id, body] pairs. */
export function resourcesOf(stack: StackJson, type: string): Array<[string, StackJson]> {
  return Object.entries(stack.resource?.[type] ?? {});
}

/** The single resource of `type` whose construct path ends with `pathSuffix`. */
export function resourceAt(stack: StackJson, type: string, pathSuffix: string): StackJson {
  const matches = resourcesOf(stack, type).filter(([, body]) =>
    body['//']?.metadata?.path?.endsWith(pathSuffix),
  );
  if (matches.length !== 1) {
    throw new Error(`expected one ${type} at .../${pathSuffix}, found ${matches.length}`);
  }
  return matches[0][1];
}

/** The single helm_release of `chart` in a stack, with its single values document parsed. */
export function releaseOf(stack: StackJson, chart: string): { body: StackJson; values: StackJson } {
  const matches = resourcesOf(stack, 'helm_release').filter(([, r]) => r.chart === chart);
  if (matches.length !== 1 || matches[0][1].values?.length !== 1) {
    throw new Error(`expected one ${chart} release with one values document, found ${matches.length}`);
  }
  const [[, body]] = matches;
  return { body, values: parse(body.values[0]) };
}

/**
 * The problems of the ConfigError that `build` throws (matched by name, so a class from an
 * isolated module registry counts too); fails the test if it throws nothing.
 */
export function configProblems(build: () => unknown): readonly string[] {
  try {
    build();
  } catch (error) {
    if ((error as Error).name === 'ConfigError') return (error as { problems: readonly string[] }).problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
