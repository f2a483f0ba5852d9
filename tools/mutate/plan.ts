/**
 * What one mutation run covers: the module to mutate and the test files that run against
 * its mutants. Kept apart from the CLI so the choice can be tested without running Stryker.
 */
import { existsSync } from 'fs';
import { isAbsolute, normalize } from 'path';
import { parseArgs } from 'util';

export const USAGE = `usage: npm run mutate -- <module.ts> [--tests <test file or folder>]... [--concurrency N] [--incremental]
  <module.ts>        the one source file to mutate, relative to the repository (tools/hub-stress/window.ts)
  --tests PATH       run these test files or folders against the mutants (repeatable); default: the
                     module's entry in MODULE_TESTS, else every test file that imports it (jest --findRelatedTests)
  --concurrency N    test processes at a time, 1 to 16; default: stryker.config.json's (2)
  --incremental      keep each mutant's result in reports/mutation/<module>.incremental.json and, on
                     the next --incremental run, test again only mutants whose code or tests changed
Writes reports/mutation/<module>.html and .json (every mutant with its status) and prints the
score; exit 0 when the run completed, 1 when it failed, 2 on bad usage.`;

/** Source folders a module may come from: the product and its tools, not tests. */
const SOURCE_ROOTS = ['config/', 'lib/', 'stacks/', 'tools/'];

/**
 * Tests for modules whose importers are most of the suite (everything synthesizes config),
 * and for modules whose every mutant is static (see the docs), where the related tests would
 * take hours: the narrow files that pin down the module's behaviour.
 */
export const MODULE_TESTS: Readonly<Record<string, readonly string[]>> = {
  // Nearly every test imports config/: these files pin the checks down, loading environments inside each test.
  'config/checks.ts': [
    'test/config/boundaries.test.ts',
    'test/config/bad-configs.test.ts',
    'test/config/environments.test.ts',
    'test/config/schedule-checks.test.ts',
  ],
  'config/hub-checks.ts': [
    'test/config/hub-checks.test.ts',
    'test/config/hub-check-details.test.ts',
    'test/config/boundaries.test.ts',
    'test/config/bad-configs.test.ts',
  ],
  // Its pattern is a static mutant (module scope): every mutant of it runs every chosen test.
  'lib/cidr.ts': [
    'test/lib/cidr.test.ts',
    'test/config/boundaries.test.ts',
    'test/config/bad-configs.test.ts',
  ],
  // Small hand-written stacks, and the rendered docs for the rules' titles and anchors.
  'tools/policy/rules/iam.ts': ['test/tools/policy/iam-unit.test.ts', 'test/tools/policy/docs.test.ts'],
  'tools/hub-stress/scheduler.ts': [
    'test/tools/hub-stress/scheduler.test.ts',
    'test/tools/hub-stress/scheduler-mutants.test.ts',
  ],
};

export interface MutateArgs {
  readonly module: string;
  /** Explicit test files or folders; undefined means MODULE_TESTS, else related tests. */
  readonly tests?: readonly string[];
  /** Test processes at a time; undefined means stryker.config.json's. */
  readonly concurrency?: number;
  /** Reuse the results of the last --incremental run for mutants whose code and tests are unchanged. */
  readonly incremental?: boolean;
}

/** Parses the command line; throws an Error whose message names the problem (and USAGE). */
export function parseMutateArgs(argv: readonly string[], exists = existsSync): MutateArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        tests: { type: 'string', multiple: true },
        concurrency: { type: 'string' },
        incremental: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${USAGE}`);
  }
  const { positionals, values } = parsed;
  if (positionals.length !== 1)
    throw new Error(`module: expected one module to mutate, got ${positionals.length}\n${USAGE}`);
  const module = repoPath(positionals[0], 'module');
  if (
    !module.endsWith('.ts') ||
    module.endsWith('.test.ts') ||
    !SOURCE_ROOTS.some((r) => module.startsWith(r))
  )
    throw new Error(
      `module: "${positionals[0]}" is not a source file; expected a .ts file under ${SOURCE_ROOTS.join(', ')}`,
    );
  if (!exists(module)) throw new Error(`module: "${module}" does not exist`);
  const tests = values.tests?.map((t) => repoPath(t, '--tests'));
  for (const t of tests ?? []) {
    if (!t.startsWith('test/')) throw new Error(`--tests: "${t}" is not under test/`);
    if (!exists(t)) throw new Error(`--tests: "${t}" does not exist`);
  }
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 16))
    throw new Error(`--concurrency: "${values.concurrency}" is not a whole number from 1 to 16`);
  return {
    module,
    tests,
    ...(concurrency === undefined ? {} : { concurrency }),
    ...(values.incremental ? { incremental: true } : {}),
  };
}

function repoPath(text: string, field: string): string {
  const path = normalize(text).replace(/\\/g, '/').replace(/^\.\//, '');
  if (isAbsolute(path) || path.startsWith('..'))
    throw new Error(`${field}: "${text}" must be a path inside the repository`);
  return path.replace(/\/$/, '');
}

/** The test files or folders to run: explicit, else the module's entry, else `related()`. */
export function testsFor(args: MutateArgs, related: (module: string) => string[]): string[] {
  const chosen = args.tests ?? MODULE_TESTS[args.module] ?? related(args.module);
  if (chosen.length === 0) throw new Error(`no test imports ${args.module}; name them with --tests`);
  return [...chosen];
}

/** Jest testMatch globs, relative to the rootDir Stryker's sandbox gets, for files and folders. */
export function testMatch(tests: readonly string[]): string[] {
  return tests.map((t) => (t.endsWith('.ts') ? `<rootDir>/${t}` : `<rootDir>/${t}/**/*.test.ts`));
}

/** The report's file name for a module: tools/hub-stress/window.ts -> tools-hub-stress-window. */
export function reportName(module: string): string {
  return module.replace(/\.ts$/, '').replace(/[/.]/g, '-');
}
