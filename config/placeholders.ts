/**
 * The example values the shipped environments carry until an operator replaces them: the
 * documentation account 123456789012 (in the account, ARNs, bucket and key names) and the
 * reserved example domains (RFC 2606: example.org, .com, .net), which also cover the
 * example login at login.example.org. They synthesize fine, so a synth for deploying must
 * refuse them outside development, and in the monitoring deployments it writes (README,
 * "Deploying for real").
 */
import { ConfigIssue } from './checks';
import { Environment } from './schema';

/** The account id AWS's documentation uses in examples. */
export const EXAMPLE_ACCOUNT = '123456789012';

const EXAMPLE_DOMAIN = /(^|[./@])example\.(org|com|net)(?=$|[/:])/;

/** Why `value` is an example value, or undefined when it is not one. */
function placeholderReason(value: string): string | undefined {
  if (value.includes(EXAMPLE_ACCOUNT)) return `'${value}' uses the example account ${EXAMPLE_ACCOUNT}`;
  if (EXAMPLE_DOMAIN.test(value)) return `'${value}' is an example domain`;
  return undefined;
}

/** Every string below `node` that is an example value, with its path. */
export function exampleValues(node: unknown, path: (string | number)[] = []): ConfigIssue[] {
  if (typeof node === 'string') {
    const reason = placeholderReason(node);
    return reason ? [{ path, message: reason }] : [];
  }
  if (Array.isArray(node)) return node.flatMap((item, i) => exampleValues(item, [...path, i]));
  if (node !== null && typeof node === 'object')
    return Object.entries(node).flatMap(([key, value]) => exampleValues(value, [...path, key]));
  return [];
}

/** Every field of a non-development environment that still holds an example value; [] in development. */
export function placeholderIssues(env: Environment): ConfigIssue[] {
  return env.tier === 'development' ? [] : exampleValues(env);
}
