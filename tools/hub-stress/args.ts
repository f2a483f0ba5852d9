/**
 * Command line parsing and validation. Everything the user typed is checked here, before
 * any request is sent, and a problem is reported as one line naming the option, the value
 * received and what is allowed. The token's value never appears in a message.
 */
import { parseArgs } from 'node:util';

export const COMMANDS = ['stress', 'activity', 'purge', 'status'] as const;
export type Command = (typeof COMMANDS)[number];

/** Bad input: reported on one line, exit code 2, nothing created. */
export class UsageError extends Error {
  readonly exitCode = 2;
}

export interface Options {
  readonly command: Command;
  /** Hub API base URL without trailing slash, e.g. `https://hub.example.org/hub/api`. */
  readonly endpoint: string;
  readonly token: string;
  readonly prefix: string;
  /** Users to create (stress, activity). */
  readonly count: number;
  /** Upper bound of pending spawns, and of concurrent stops and deletes. */
  readonly batchSize: number;
  /**
   * The hub's concurrent_spawn_limit, when known (stress): never more spawns pending than
   * this, so none meets a 429; unknown, it is learned from the hub's first 429.
   */
  readonly spawnLimit: number | undefined;
  /** Profile slug passed as the spawn's user options (KubeSpawner profile_list). */
  readonly profile: string | undefined;
  readonly keep: boolean;
  /** Activity workers. */
  readonly workers: number;
  /** How long the activity load runs. */
  readonly durationMs: number;
  /** Per server: from the accepted spawn request to ready, or from stop to stopped. */
  readonly timeoutMs: number;
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly logFile: string | undefined;
  readonly verbose: boolean;
}

/** What `--help` prints. */
export const USAGE = `usage: hub-stress <command> [options]

commands:
  stress     create --count users, start their servers, wait until ready, then remove them
  activity   create --count users without servers and post activity from --workers workers
  purge      stop and delete every user named <prefix>-NNNN (and nothing else)
  status     count the <prefix>-NNNN users and their servers by state

options:
  --endpoint URL      hub API URL, e.g. https://hub.example.org/hub/api (or JUPYTERHUB_API_URL)
  --token TOKEN       admin API token (or JUPYTERHUB_API_TOKEN; prefer the variable)
  --prefix NAME       user name prefix (default hub-stress)
  --count N           users to create (stress default 10, activity default 100)
  --batch-size N      most spawns pending at once; also stop/delete concurrency (default 10)
  --spawn-limit N     the hub's concurrent_spawn_limit: never more spawns pending, so none
                      meets a 429 (stress; default: learned from the hub's first 429)
  --profile SLUG      profile to request for each server (stress)
  --keep              leave users and servers in place; later runs continue the numbering
  --workers N         concurrent activity workers (activity, default 10)
  --duration SECONDS  how long activity load runs (activity, default 30)
  --timeout SECONDS   per server, to become ready or to stop (default 300)
  --dry-run           check endpoint and token, say what would happen, change nothing
  --json              print the report as JSON on stdout
  --log-file PATH     append a timestamped log
  --verbose           log every request on stderr
  --help              show this text
`;

const OPTION_SPEC = {
  endpoint: { type: 'string' },
  token: { type: 'string' },
  prefix: { type: 'string' },
  count: { type: 'string' },
  'batch-size': { type: 'string' },
  'spawn-limit': { type: 'string' },
  profile: { type: 'string' },
  keep: { type: 'boolean' },
  workers: { type: 'string' },
  duration: { type: 'string' },
  timeout: { type: 'string' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  'log-file': { type: 'string' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

type OptionName = keyof typeof OPTION_SPEC;

/** Options that only make sense for some commands; the rest apply to all. */
const COMMAND_ONLY: Partial<Record<OptionName, readonly Command[]>> = {
  count: ['stress', 'activity'],
  profile: ['stress'],
  'spawn-limit': ['stress'],
  keep: ['stress', 'activity'],
  workers: ['activity'],
  duration: ['activity'],
};

const LIMITS = {
  count: { min: 1, max: 10_000 },
  'batch-size': { min: 1, max: 500 },
  'spawn-limit': { min: 1, max: 10_000 },
  workers: { min: 1, max: 500 },
  duration: { min: 1, max: 86_400 },
  timeout: { min: 1, max: 86_400 },
} as const;

/** Help was asked for; not an error. */
export class HelpRequested extends Error {}

function integer(name: keyof typeof LIMITS, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const { min, max } = LIMITS[name];
  const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!(value >= min && value <= max)) {
    throw new UsageError(
      `--${name}: ${JSON.stringify(raw)} is not allowed; expected an integer from ${min} to ${max}`,
    );
  }
  return value;
}

/** Validates the hub API URL and returns it without a trailing slash. */
export function parseEndpoint(raw: string | undefined): string {
  if (raw === undefined || raw.trim() === '') {
    throw new UsageError(
      '--endpoint: missing; pass --endpoint or set JUPYTERHUB_API_URL (e.g. https://hub.example.org/hub/api)',
    );
  }
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new UsageError(
      `--endpoint: ${JSON.stringify(raw)} is not a URL; expected http(s)://host[:port]/.../hub/api`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(
      `--endpoint: ${JSON.stringify(raw)} has scheme ${url.protocol}; expected http: or https:`,
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new UsageError(
      `--endpoint: ${JSON.stringify(url.origin + url.pathname)} must not carry credentials, a query or a fragment; pass the token with --token`,
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function parseToken(raw: string | undefined): string {
  if (raw === undefined || raw === '') {
    throw new UsageError(
      '--token: missing; pass --token or set JUPYTERHUB_API_TOKEN (an admin or service token)',
    );
  }
  if (/\s/.test(raw)) {
    // Never echo the token itself, only what is wrong with it.
    throw new UsageError(
      `--token: the value given (${raw.length} characters) contains whitespace; expected a bare API token`,
    );
  }
  return raw;
}

function parsePrefix(raw: string | undefined): string {
  const prefix = raw ?? 'hub-stress';
  // Lower case letters, digits and dashes survive as JupyterHub user names and as pod names.
  if (!/^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/.test(prefix)) {
    throw new UsageError(
      `--prefix: ${JSON.stringify(prefix)} is not allowed; expected 1-40 lower case letters, digits or dashes, not starting or ending with a dash`,
    );
  }
  return prefix;
}

/** Parses argv (without node and script) and the environment into validated options. */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): Options {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTION_SPEC, allowPositionals: true, strict: true });
  } catch (err) {
    // Duck-typed: under test runners the error comes from another realm than `Error`.
    const message = String((err as { message?: unknown }).message ?? err).split('\n')[0];
    throw new UsageError(`${message.replace(/\.$/, '')}; run with --help for the list of options`);
  }
  const { values, positionals } = parsed;
  if (values.help) throw new HelpRequested();

  const [command, ...extra] = positionals;
  if (command === undefined || !(COMMANDS as readonly string[]).includes(command)) {
    throw new UsageError(
      `command: ${command === undefined ? 'missing' : JSON.stringify(command) + ' is unknown'}; expected one of ${COMMANDS.join(', ')}`,
    );
  }
  if (extra.length > 0) {
    throw new UsageError(
      `${command}: unexpected argument ${JSON.stringify(extra[0])}; options start with --`,
    );
  }
  const cmd = command as Command;
  for (const [name, commands] of Object.entries(COMMAND_ONLY)) {
    if (values[name as OptionName] !== undefined && !commands.includes(cmd)) {
      throw new UsageError(`--${name}: not used by ${cmd}; it applies to ${commands.join(' and ')}`);
    }
  }
  if (values.profile !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(values.profile)) {
    throw new UsageError(
      `--profile: ${JSON.stringify(values.profile)} is not allowed; expected a profile slug (letters, digits, . _ -)`,
    );
  }
  if (values['log-file'] === '') throw new UsageError('--log-file: empty; expected a file path');

  const prefix = parsePrefix(values.prefix);
  return {
    command: cmd,
    prefix,
    count: integer('count', values.count, cmd === 'activity' ? 100 : 10),
    batchSize: integer('batch-size', values['batch-size'], 10),
    spawnLimit:
      values['spawn-limit'] === undefined ? undefined : integer('spawn-limit', values['spawn-limit'], 0),
    profile: values.profile,
    keep: values.keep ?? false,
    workers: integer('workers', values.workers, 10),
    durationMs: integer('duration', values.duration, 30) * 1000,
    timeoutMs: integer('timeout', values.timeout, 300) * 1000,
    dryRun: values['dry-run'] ?? false,
    json: values.json ?? false,
    logFile: values['log-file'],
    verbose: values.verbose ?? false,
    // Checked last so that a typo in another option is reported even without credentials.
    endpoint: parseEndpoint(values.endpoint ?? env.JUPYTERHUB_API_URL),
    token: parseToken(values.token ?? env.JUPYTERHUB_API_TOKEN),
  };
}
