/**
 * `npm run policy [-- <synth dir>] [--json] [--accepted <file>]`: evaluates every rule on
 * every synthesized stack and exits 1 on any violation that is not an accepted risk, or on
 * an invalid accepted-risks file. Run `npm run synth` first.
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

const USAGE = 'usage: npm run policy [-- <synth dir, default cdktf.out>] [--json] [--accepted <file>]';

export function parseArgs(argv: readonly string[]): PolicyArgs {
  let dir: string | undefined;
  let json = false;
  let accepted = ACCEPTED_RISKS_FILE;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') json = true;
    else if (arg === '--accepted' && argv[i + 1] !== undefined) accepted = argv[++i];
    else if (arg.startsWith('-') || dir !== undefined)
      throw new Error(`unexpected argument ${arg}\n${USAGE}`);
    else dir = arg;
  }
  return { dir: dir ?? 'cdktf.out', json, accepted };
}

/** Runs the guard and returns the exit code: 0 passed, 1 violations, 2 bad usage or unreadable input. */
export function main(argv: readonly string[], out: (text: string) => void = console.log): number {
  let args: PolicyArgs;
  let report;
  try {
    args = parseArgs(argv);
    const synth = loadSynthDir(args.dir);
    report = runPolicy(synth, RULES, loadAcceptedRisks(args.accepted, new Set(RULES.map((r) => r.id))));
  } catch (error) {
    out(`policy: ${(error as Error).message}`);
    return 2;
  }
  out(args.json ? JSON.stringify(toJson(report), null, 2) : formatText(report, RULES));
  return passed(report) ? 0 : 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
