/**
 * The example values the shipped environments carry until an operator replaces them: the
 * documentation account 123456789012 (in the account, ARNs, bucket and key names) and the
 * reserved example domains (RFC 2606: example.org, .com, .net), which also cover the
 * example login at login.example.org. They synthesize fine, so a synth for deploying must
 * refuse them outside development (README, "Deploying for real").
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

/** Every field of a non-development environment that still holds an example value; [] in development. */
export function placeholderIssues(env: Environment): ConfigIssue[] {
  if (env.tier === 'development') return [];
  const issues: ConfigIssue[] = [];
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (typeof node === 'string') {
      const reason = placeholderReason(node);
      if (reason) issues.push({ path, message: reason });
    } else if (Array.isArray(node)) node.forEach((item, i) => walk(item, [...path, i]));
    else if (node !== null && typeof node === 'object')
      for (const [key, value] of Object.entries(node)) walk(value, [...path, key]);
  };
  walk(env, []);
  return issues;
}
