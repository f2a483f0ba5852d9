/**
 * `npm run diff -- [--base REF] [--head REF] [--json] [--markdown] [--fail-on-danger]`:
 * synthesizes the base (default: the merge base of HEAD with main) in a temporary git
 * worktree and the working tree (or --head), and compares every stack. Exit codes in USAGE.
 */
import { parseArgs } from 'util';
import { Json } from '../policy/types';
import { DiffReport, compareSynths, dangers } from './compare';
import { formatMarkdown, formatText, toJson } from './report';
import { git, mergeBaseWithMain, resolveCommit, synthCommit, synthWorkingTree } from './source-tree';

export const USAGE = `usage: npm run diff -- [--base REF] [--head REF] [--json] [--markdown] [--fail-on-danger]
  --base REF        compare against this commit (default: the merge base of HEAD with main)
  --head REF        compare this commit (default: the working tree, uncommitted changes included)
  --json            the report as JSON on stdout
  --markdown        the report as markdown (for a pull-request comment)
  --fail-on-danger  exit 1 when a change would destroy data or interrupt people
exit codes: 0 no danger (or danger without --fail-on-danger); 1 danger with --fail-on-danger;
  2 bad usage, a git error or a synth failure (its message on stderr; with --json also
  {"error": ...} on stdout).`;

export interface DiffArgs {
  readonly base?: string;
  readonly head?: string;
  readonly format: 'text' | 'json' | 'markdown';
  readonly failOnDanger: boolean;
}

/** Parses the command line; throws with USAGE on anything unexpected. */
export function parseDiffArgs(argv: readonly string[]): DiffArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        base: { type: 'string' },
        head: { type: 'string' },
        json: { type: 'boolean', default: false },
        markdown: { type: 'boolean', default: false },
        'fail-on-danger': { type: 'boolean', default: false },
      },
      allowPositionals: false,
      strict: true,
    }));
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.json && values.markdown) throw new Error(`--json and --markdown exclude each other\n${USAGE}`);
  for (const flag of ['base', 'head'] as const) {
    const v = values[flag];
    if (v !== undefined && (v === '' || v.startsWith('-')))
      throw new Error(`--${flag} needs a commit\n${USAGE}`);
  }
  return {
    base: values.base,
    head: values.head,
    format: values.json ? 'json' : values.markdown ? 'markdown' : 'text',
    failOnDanger: values['fail-on-danger'] ?? false,
  };
}

/** Synthesizes both sides in `repo` and compares them. */
export function runDiff(repo: string, args: Pick<DiffArgs, 'base' | 'head'>): DiffReport {
  const root = git(repo, ['rev-parse', '--show-toplevel']);
  const short = (sha: string): string => sha.slice(0, 7);
  let baseSha: string;
  let baseLabel: string;
  if (args.base !== undefined) {
    baseSha = resolveCommit(root, args.base);
    baseLabel = `${args.base} (${short(baseSha)})`;
  } else {
    const found = mergeBaseWithMain(root);
    baseSha = found.sha;
    baseLabel = `merge base with ${found.branch} (${short(baseSha)})`;
  }
  let head: Map<string, Json>;
  let headLabel: string;
  if (args.head !== undefined) {
    const headSha = resolveCommit(root, args.head);
    head = synthCommit(root, headSha);
    headLabel = `${args.head} (${short(headSha)})`;
  } else {
    head = synthWorkingTree(root);
    headLabel = 'working tree';
  }
  const base = synthCommit(root, baseSha);
  return compareSynths(base, head, { base: baseLabel, head: headLabel });
}

export interface Output {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const CONSOLE: Output = { out: (t) => console.log(t), err: (t) => console.error(t) };

/** Runs the diff in `cwd` and returns the exit code (see USAGE). */
export function main(argv: readonly string[], io: Output = CONSOLE, cwd = process.cwd()): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(USAGE);
    return 0;
  }
  const json = argv.includes('--json');
  try {
    const args = parseDiffArgs(argv);
    const report = runDiff(cwd, args);
    if (args.format === 'json') io.out(JSON.stringify(toJson(report), null, 2));
    else io.out(args.format === 'markdown' ? formatMarkdown(report) : formatText(report));
    return args.failOnDanger && dangers(report).length > 0 ? 1 : 0;
  } catch (error) {
    const message = (error as Error).message;
    io.err(`diff: ${message}`);
    if (json) io.out(JSON.stringify({ error: message }, null, 2));
    return 2;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
