/**
 * Checks, before anything is created, that the endpoint is a JupyterHub API and that the
 * hub accepts the token with the permissions the command needs. Problems are UsageErrors:
 * one line, exit code 2. The token's value is never part of a message.
 */
import { Command, UsageError } from './args';
import { HubClient, describe } from './hub-client';

/** Scopes needed per command (JupyterHub 2+ RBAC); status only reads. */
const REQUIRED_SCOPES: Record<Command, readonly string[]> = {
  stress: ['admin:users', 'admin:servers'],
  activity: ['admin:users', 'users:activity'],
  purge: ['admin:users', 'admin:servers'],
  status: ['list:users', 'read:servers'],
};

/** Scopes that imply others (a subset of JupyterHub's scope tree, enough for the above). */
const IMPLIED: Record<string, readonly string[]> = {
  'admin:users': ['list:users', 'users:activity', 'read:users'],
  'admin:servers': ['read:servers', 'servers'],
};

export function missingScopes(command: Command, granted: readonly string[]): string[] {
  const have = new Set(granted);
  for (const scope of granted) for (const implied of IMPLIED[scope] ?? []) have.add(implied);
  return REQUIRED_SCOPES[command].filter((scope) => !have.has(scope));
}

/** Socket errors that mean the URL's host name does not resolve. */
const UNKNOWN_HOST = ['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME'];

/** The host of a URL, for messages; the URL itself when it does not parse. */
function hostOf(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return endpoint;
  }
}

export async function preflight(client: HubClient, command: Command, endpoint: string): Promise<void> {
  const version = await client.version();
  if (!version.ok && UNKNOWN_HOST.includes(version.code)) {
    throw new UsageError(
      `--endpoint: the host ${JSON.stringify(hostOf(endpoint))} is unknown (DNS lookup failed: ${version.code}); check the hub's name in the URL`,
    );
  }
  if (!version.ok && version.code === 'ECONNREFUSED') {
    throw new UsageError(
      `--endpoint: nothing listens at ${JSON.stringify(hostOf(endpoint))} (ECONNREFUSED); check the port and that the hub is running`,
    );
  }
  const body = version.ok ? (version.body as { version?: unknown } | undefined) : undefined;
  if (!version.ok || version.status !== 200 || typeof body?.version !== 'string') {
    throw new UsageError(
      `--endpoint: ${JSON.stringify(endpoint)} did not answer as a JupyterHub API (${describe(version)}); expected the hub API URL, e.g. https://hub.example.org/hub/api`,
    );
  }
  const me = await client.whoami();
  if (me.ok && (me.status === 401 || me.status === 403)) {
    throw new UsageError(
      `--token: the hub rejected the token (HTTP ${me.status}); expected an admin token or a service token with ${REQUIRED_SCOPES[command].join(' and ')}`,
    );
  }
  if (!me.ok || me.status !== 200) {
    throw new UsageError(
      `--endpoint: ${JSON.stringify(endpoint)} failed to identify the token (${describe(me)})`,
    );
  }
  const model = me.body as { scopes?: unknown; admin?: unknown; name?: unknown };
  // Hubs before 2.0 have no scopes; there only admin tokens can manage other users.
  const missing = Array.isArray(model.scopes)
    ? missingScopes(command, model.scopes.map(String))
    : model.admin === true
      ? []
      : ['admin'];
  if (missing.length > 0) {
    throw new UsageError(
      `--token: the token (of ${JSON.stringify(String(model.name ?? 'unknown'))}) lacks ${missing.join(', ')}; ${command} needs ${REQUIRED_SCOPES[command].join(' and ')}`,
    );
  }
}
