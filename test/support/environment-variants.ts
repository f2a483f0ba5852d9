/**
 * Variants of the example environments for config tests: a copy of one with a change made,
 * and the problems the checks report for it.
 */
import { ENVIRONMENTS } from '../../config';
import { ConfigError, parseEnvironment } from '../../config/load';
import { EnvironmentInput } from '../../config/schema';

export type Change = (env: EnvironmentInput) => void;

/** A deep copy of config/'s environment `label` with `change` applied. */
export function variant(label: string, change: Change): EnvironmentInput {
  const env = structuredClone(ENVIRONMENTS[label]) as EnvironmentInput;
  change(env);
  return env;
}

/** The problems of the changed environment; [] when it is accepted. */
export function problemsOf(label: string, change: Change): string[] {
  try {
    parseEnvironment(label, variant(label, change));
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
}

/** The profile with this slug. */
export const profile = (env: EnvironmentInput, slug: string) =>
  env.hub.profiles.find((p) => p.slug === slug)!;
