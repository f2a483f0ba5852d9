/**
 * `npm run policy [-- <synth dir>] [--json] [--accepted <file>]`: evaluates every rule on
 * every synthesized stack. Run `npm run synth` first. Exit codes are in USAGE.
 */
import { ACCEPTED_RISKS_FILE, loadAcceptedRisks } from './accepted-risks';
import { passed, runPolicy } from './engine';
import { formatText, toJson } from './report';
import { RULES } from './rules';
import { loadSynthDir } from './synth-output';

export interface PolicyArgs {
  readonly dir: string;
  readonly json: boolean;
  readonly accepted: string;
}

export const USAGE = `usage: npm run --silent policy [-- [<synth dir, default cdktf.out>] [--json] [--accepted <file>]]
  --json             the report as JSON on stdout (npm prints its banner on stdout unless --silent;
                     \`npm run policy --json\` also works: npm passes it on and prints no banner)
  --accepted <file>  accepted risks (default policy/accepted-risks.json); the file must exist
exit codes: 0 passed; 1 violations or stale accepted risks;
  2 bad arguments or unreadable input (synth output, accepted-risks file).
Errors go to stderr; with --json, stdout also gets {"error": "..."}.`;

/** Whether npm was given `--json` itself (`npm run policy --json`), which it passes on as npm_config_json. */
function npmJson(env: NodeJS.ProcessEnv): boolean {
  return env.npm_config_json === 'true';
}

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): PolicyArgs {
  let dir: string | undefined;
  let json = npmJson(env);
  let accepted = ACCEPTED_RISKS_FILE;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') json = true;
    else if (arg === '--accepted') {
      if (argv[i + 1] === undefined || argv[i + 1].startsWith('-'))
        throw new Error(`--accepted needs a file\n${USAGE}`);
      accepted = argv[++i];
    } else if (arg.startsWith('-') || dir !== undefined)
      throw new Error(`unexpected argument ${arg}\n${USAGE}`);
    else dir = arg;
  }
  return { dir: dir ?? 'cdktf.out', json, accepted };
}

export interface Output {
  /** The report, and with --json an error object. */
  readonly out: (text: string) => void;
  /** Errors, as text. */
  readonly err: (text: string) => void;
}

const CONSOLE: Output = { out: (t) => console.log(t), err: (t) => console.error(t) };

/** Runs the guard and returns the exit code (see USAGE). */
export function main(
  argv: readonly string[],
  io: Output = CONSOLE,
  env: NodeJS.ProcessEnv = process.env,
): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(USAGE);
    return 0;
  }
  const json = argv.includes('--json') || npmJson(env);
  try {
    const args = parseArgs(argv, env);
    const synth = loadSynthDir(args.dir);
    const risks = loadAcceptedRisks(args.accepted, new Set(RULES.map((r) => r.id)));
    if (risks.errors.length > 0) throw new Error(`accepted risks:\n  ${risks.errors.join('\n  ')}`);
    const report = runPolicy(synth, RULES, risks.risks);
    io.out(args.json ? JSON.stringify(toJson(report), null, 2) : formatText(report, RULES));
    return passed(report) ? 0 : 1;
  } catch (error) {
    // Bad arguments, a missing synth output, a stack that is not JSON, an invalid risks file.
    const message = (error as Error).message;
    io.err(`policy: ${message}`);
    if (json) io.out(JSON.stringify({ error: message }, null, 2));
    return 2;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
