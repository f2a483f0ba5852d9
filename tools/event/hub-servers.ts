/**
 * Stopping every user server through the hub's REST API before a teardown, so that no
 * pod holds a volume or an address while the platform is destroyed.
 */

export interface HubApi {
  /** The API's URL, e.g. https://hub.example.org/hub/api */
  readonly url: string;
  /** An admin or service token with the `servers` and `list:users` scopes. */
  readonly token: string;
}

interface UserModel {
  readonly name: string;
  readonly servers?: Readonly<Record<string, unknown>>;
}

/** One call to the hub API with the token; the body parsed when it is JSON. */
export async function call(
  api: HubApi,
  method: string,
  path: string,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${api.url.replace(/\/$/, '')}${path}`, {
    method,
    headers: { authorization: `token ${api.token}`, accept: 'application/json' },
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text for the message
  }
  return { status: response.status, body };
}

/** Users with at least one server running or pending, with those servers' names. */
export async function activeServers(api: HubApi): Promise<Array<{ user: string; server: string }>> {
  const found: Array<{ user: string; server: string }> = [];
  for (let offset = 0; ;) {
    const { status, body } = await call(api, 'GET', `/users?state=active&offset=${offset}&limit=200`);
    if (status !== 200)
      throw new Error(`GET /users answered ${status}: ${JSON.stringify(body).slice(0, 200)}`);
    const users = (
      Array.isArray(body) ? body : ((body as { items?: unknown[] })?.items ?? [])
    ) as UserModel[];
    for (const user of users)
      for (const server of Object.keys(user.servers ?? {})) found.push({ user: user.name, server });
    if (users.length < 200) return found;
    offset += users.length;
  }
}

/**
 * Asks the hub to stop every server, then waits until none is active, polling every
 * `pollMs` for at most `timeoutMs`. Resolves with how many were stopped.
 */
export async function stopAllServers(
  api: HubApi,
  say: (line: string) => void,
  options: { readonly timeoutMs?: number; readonly pollMs?: number } = {},
): Promise<number> {
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  const pollMs = options.pollMs ?? 5_000;
  const servers = await activeServers(api);
  say(`stopping ${servers.length} server(s)`);
  for (const { user, server } of servers) {
    const path = `/users/${encodeURIComponent(user)}/${server ? `servers/${encodeURIComponent(server)}` : 'server'}`;
    const { status, body } = await call(api, 'DELETE', path);
    // 202: stopping; 204: stopped; 400: already stopped by the time we asked.
    if (![202, 204, 400].includes(status))
      throw new Error(`DELETE ${path} answered ${status}: ${JSON.stringify(body).slice(0, 200)}`);
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = await activeServers(api);
    if (!left.length) return servers.length;
    if (Date.now() >= deadline)
      throw new Error(
        `${left.length} server(s) still active after ${Math.round(timeoutMs / 1000)} s: ${left
          .slice(0, 5)
          .map((s) => s.user + (s.server ? `/${s.server}` : ''))
          .join(', ')}`,
      );
    say(`${left.length} server(s) still stopping`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
