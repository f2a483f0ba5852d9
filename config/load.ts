/**
 * Validates every environment before anything is synthesized: each against the schema,
 * then the rules that span environments. All problems are reported at once.
 */
import { z } from 'zod';
import { cidrsOverlap, parseCidr } from '../lib/cidr';
import { checkEnvironment } from './checks';
import { Environment, environmentSchema } from './schema';

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (node, key) =>
      node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined,
    input,
  );
}

function describe(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

/** `prod.nodePools.user.user.maxSize: 0 is below minSize 1`, with the value received where zod's message lacks it. */
function formatIssue(envName: string, input: unknown, issue: z.core.$ZodIssue): string {
  const where = [envName, ...issue.path.map(String)].join('.');
  const received = valueAt(input, issue.path);
  // Custom messages already quote the value; a missing field has none to show.
  const withValue =
    !['custom', 'unrecognized_keys'].includes(issue.code) &&
    !(issue.code === 'invalid_type' && received === undefined);
  return `${where}: ${issue.message}${withValue ? ` (received ${describe(received)})` : ''}`;
}

/**
 * The schema plus the rules that relate fields to each other, as one zod schema: the
 * cross-field rules run only on a structurally valid environment.
 */
const validEnvironment = environmentSchema.superRefine((env, ctx) => {
  for (const issue of checkEnvironment(env))
    ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message });
});

/** Validates one environment; throws a {@link ConfigError} naming every bad field. */
export function parseEnvironment(label: string, input: unknown): Environment {
  const result = validEnvironment.safeParse(input);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => formatIssue(label, input, issue)));
  }
  return result.data;
}

/** Validates all environments and the rules between them (unique names, disjoint VPCs). */
export function loadEnvironments(inputs: Readonly<Record<string, unknown>>): Environment[] {
  const problems: string[] = [];
  const environments: Environment[] = [];
  for (const [label, input] of Object.entries(inputs)) {
    try {
      environments.push(parseEnvironment(label, input));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  }
  environments.forEach((env, i) => {
    for (const other of environments.slice(0, i)) {
      if (other.name === env.name)
        problems.push(`${env.name}.name: '${env.name}' is used by two environments`);
      const a = parseCidr(env.network.vpcCidr);
      const b = parseCidr(other.network.vpcCidr);
      if (a && b && cidrsOverlap(a, b)) {
        problems.push(
          `${env.name}.network.vpcCidr: ${env.network.vpcCidr} overlaps ${other.name}'s ${other.network.vpcCidr}; ` +
            'environments need disjoint VPC ranges so they can be peered with monitoring',
        );
      }
    }
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return environments;
}
