/**
 * Validates every environment before anything is synthesized: each against the schema,
 * then the rules that span environments. All problems are reported at once.
 */
import { z } from 'zod';
import { cidrsOverlap, parseCidr } from '../lib/cidr';
import { ConfigIssue, checkEnvironment } from './checks';
import { checkMonitoring } from './monitoring-checks';
import { MonitoringConfig, monitoringSchema } from './monitoring-schema';
import { exampleValues, placeholderIssues } from './placeholders';
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

/** `prod.hub.domain.name: ...` for a field's problem. */
function located(envName: string, issue: ConfigIssue): string {
  return `${[envName, ...issue.path.map(String)].join('.')}: ${issue.message}`;
}

/** The example values still in non-development environments, one line per field. */
export function placeholderProblems(environments: readonly Environment[]): string[] {
  return environments.flatMap((env) => placeholderIssues(env).map((issue) => located(env.name, issue)));
}

/** The example values still in monitoring deployments, one line per field. */
export function monitoringPlaceholderProblems(deployments: readonly MonitoringConfig[]): string[] {
  return deployments.flatMap((monitoring) =>
    exampleValues(monitoring, ['monitoring', monitoring.name]).map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    ),
  );
}

/**
 * Validates all environments and the rules between them (unique names, disjoint VPCs,
 * host names, OAuth clients and secrets of their own). Every problem comes out at once:
 * the rules between environments run on every environment whose structure is valid, even
 * when its own cross-field rules failed.
 */
export function loadEnvironments(inputs: Readonly<Record<string, unknown>>): Environment[] {
  const problems: string[] = [];
  const structured: Environment[] = [];
  const environments: Environment[] = [];
  for (const [label, input] of Object.entries(inputs)) {
    const result = environmentSchema.safeParse(input);
    if (!result.success) {
      problems.push(...result.error.issues.map((issue) => formatIssue(label, input, issue)));
      continue;
    }
    structured.push(result.data);
    const issues = checkEnvironment(result.data);
    problems.push(...issues.map((issue) => located(label, issue)));
    if (issues.length === 0) environments.push(result.data);
  }
  problems.push(...crossEnvironmentProblems(structured));
  if (problems.length > 0) throw new ConfigError(problems);
  return environments;
}

/** What two environments may not share: a name, VPC addresses, a hub name, an OAuth client or its secret. */
function crossEnvironmentProblems(environments: readonly Environment[]): string[] {
  const problems: string[] = [];
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
      if (env.hub.domain.name === other.hub.domain.name) {
        problems.push(
          `${env.name}.hub.domain.name: '${env.hub.domain.name}' is also ${other.name}'s hub; ` +
            'each environment needs its own name (its DNS record and certificate)',
        );
      }
      const login = env.hub.authentication;
      const otherLogin = other.hub.authentication;
      if (login.type !== 'shared-password' && otherLogin.type !== 'shared-password') {
        if (login.type === otherLogin.type && login.clientId === otherLogin.clientId) {
          problems.push(
            `${env.name}.hub.authentication.clientId: '${login.clientId}' is also ${other.name}'s OAuth client; ` +
              "each hub needs its own client, whose callback URL is that hub's",
          );
        }
        const secret = login.clientSecret;
        const otherSecret = otherLogin.clientSecret;
        if (secret.source === otherSecret.source && secret.name === otherSecret.name) {
          problems.push(
            `${env.name}.hub.authentication.clientSecret.name: '${secret.name}' is also ${other.name}'s ` +
              `client secret in ${secret.source}; each hub's OAuth client has its own secret`,
          );
        }
      }
    }
  });
  return problems;
}

/**
 * Validates the monitoring deployments against the validated environments: each on its
 * own, then between them (unique names, an environment reports to one place only).
 * Problems are named `monitoring.<label>.<field>`.
 */
export function loadMonitoring(
  inputs: Readonly<Record<string, unknown>>,
  environments: readonly Environment[],
): MonitoringConfig[] {
  const problems: string[] = [];
  const deployments: MonitoringConfig[] = [];
  for (const [label, input] of Object.entries(inputs)) {
    const where = `monitoring.${label}`;
    const result = monitoringSchema.safeParse(input);
    if (!result.success) {
      problems.push(...result.error.issues.map((issue) => formatIssue(where, input, issue)));
      continue;
    }
    for (const issue of checkMonitoring(result.data, environments))
      problems.push(`${[where, ...issue.path.map(String)].join('.')}: ${issue.message}`);
    deployments.push(result.data);
  }
  deployments.forEach((monitoring, i) => {
    for (const other of deployments.slice(0, i)) {
      if (other.name === monitoring.name)
        problems.push(`monitoring.${monitoring.name}.name: '${monitoring.name}' is used by two deployments`);
      for (const env of monitoring.environments.filter((name) => other.environments.includes(name)))
        problems.push(
          `monitoring.${monitoring.name}.environments: '${env}' already reports to ${other.name}; an environment reports to one place`,
        );
    }
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return deployments;
}

/** Everything config/ defines, validated: environments, then the monitoring deployments against them. */
export interface ValidatedConfig {
  readonly environments: Environment[];
  readonly monitoring: MonitoringConfig[];
}

/** Validates environments and monitoring; reports the problems of both at once. */
export function loadConfig(
  environments: Readonly<Record<string, unknown>>,
  monitoring: Readonly<Record<string, unknown>>,
): ValidatedConfig {
  let envs: Environment[] = [];
  const problems: string[] = [];
  try {
    envs = loadEnvironments(environments);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
    // Monitoring is still checked on its own fields; its references to environments are
    // checked against whichever environments parsed.
    envs = Object.entries(environments).flatMap(([label, input]) => {
      try {
        return [parseEnvironment(label, input)];
      } catch {
        return [];
      }
    });
  }
  let deployments: MonitoringConfig[] = [];
  try {
    deployments = loadMonitoring(monitoring, envs);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { environments: envs, monitoring: deployments };
}
