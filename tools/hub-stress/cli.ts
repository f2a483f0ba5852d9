#!/usr/bin/env node
/**
 * hub-stress: load-test a JupyterHub through its REST API. See docs/load-testing.md.
 * Exit codes: 0 done, 1 failures or leftovers, 2 bad input (nothing created), 130 interrupted.
 */
import { Writable } from 'node:stream';
import { HelpRequested, Options, USAGE, UsageError, parseOptions } from './args';
import { activity } from './commands/activity';
import { purge } from './commands/purge';
import { status } from './commands/status';
import { stress } from './commands/stress';
import { RunContext } from './context';
import { HubClient } from './hub-client';
import { createTransport } from './http';
import { installInterrupts } from './interrupt';
import { Logger, openLogFile } from './log';
import { mayRemainMessage } from './names';
import { preflight } from './preflight';
import { ConfiguredHub, configuredHubs, hubOfEndpoint, profileProblem } from './profiles';
import { Report, exitCode, formatText } from './report';

const COMMANDS: Record<Options['command'], (ctx: RunContext) => Promise<Report>> = {
  stress,
  activity,
  purge,
  status,
};

/** A short retry budget for the checks before the run: bad input should fail fast. */
const PREFLIGHT_POLICY = { maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 2_000, deadlineMs: 10_000 };
/** How long exiting at once (a second Ctrl-C) may wait for the log file to be written out. */
const FLUSH_ON_EXIT_MS = 1_000;

/** A --profile the hub does not offer hub-stress users is bad input, found before anything is created. */
function checkProfile(options: Options, hubs: readonly ConfiguredHub[], log: Logger): void {
  const hub = hubOfEndpoint(options.endpoint, hubs);
  if (!hub) {
    log.warn(
      `hub-stress: --profile ${options.profile} is not checked: ${new URL(options.endpoint).hostname} is not the hub of an environment in config/`,
    );
    return;
  }
  const problem = profileProblem(options.profile!, hub);
  if (problem) throw new UsageError(problem);
}

/** Bad input: one line on stderr, and with --json an `{"error": ...}` on stdout, as the policy guard does. */
function badInput(err: UsageError, json: boolean, say: (line: string) => void): number {
  say(`hub-stress: ${err.message}`);
  if (json) process.stdout.write(`${JSON.stringify({ error: err.message }, null, 2)}\n`);
  return err.exitCode;
}

/**
 * Runs a command; `hubs` are the product's hubs whose profile lists a --profile is checked
 * against (default: the environments in config/).
 */
export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  hubs: () => readonly ConfiguredHub[] = configuredHubs,
): Promise<number> {
  let options: Options;
  let file: Writable | undefined;
  try {
    options = parseOptions(argv, env);
    // Opened before anything is sent, so an unwritable path is bad input, not a failed run.
    file = options.logFile === undefined ? undefined : openLogFile(options.logFile);
  } catch (err) {
    if (err instanceof HelpRequested) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (err instanceof UsageError)
      return badInput(err, argv.includes('--json'), (line) => process.stderr.write(`${line}\n`));
    throw err;
  }

  const log = new Logger({
    verbose: options.verbose,
    file,
    tty: process.stderr.isTTY === true,
    secrets: [options.token],
  });
  // Pending spawns, their polls, and the activity workers each hold at most one socket.
  const transport = createTransport(Math.max(options.batchSize, options.workers) + 4);
  const client = new HubClient(options.endpoint, options.token, transport, log);
  const ledger = new Set<string>();
  const interrupts = installInterrupts({
    prefix: options.prefix,
    remaining: () => [...ledger],
    say: (line) => log.warn(line),
    exit: (code) => {
      const fallback = setTimeout(() => process.exit(code), FLUSH_ON_EXIT_MS);
      void log.close().then(() => {
        clearTimeout(fallback);
        process.exit(code);
      });
    },
  });
  try {
    if (options.command === 'stress' && options.profile !== undefined) checkProfile(options, hubs(), log);
    await preflight(
      new HubClient(options.endpoint, options.token, transport, log, PREFLIGHT_POLICY),
      options.command,
      options.endpoint,
    );
    const report = await COMMANDS[options.command]({
      options,
      client,
      log,
      signal: interrupts.signal,
      ledger,
    });
    process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatText(report));
    log.debug(`report ${JSON.stringify(report)}`);
    return exitCode(report);
  } catch (err) {
    if (err instanceof UsageError) return badInput(err, options.json, (line) => log.warn(line));
    const error = err instanceof Error ? err.message : String(err);
    const mayRemain = [...ledger].sort();
    log.warn(`hub-stress: ${error}`);
    if (mayRemain.length > 0) log.warn(`hub-stress: ${mayRemainMessage(mayRemain, options.prefix)}`);
    // Scripts reading --json get an answer on every run that got past its input checks.
    if (options.json) process.stdout.write(`${JSON.stringify({ error, mayRemain }, null, 2)}\n`);
    return 1;
  } finally {
    interrupts.dispose();
    transport.close();
    await log.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`hub-stress: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
