/**
 * `npm run mutate -- <module.ts> [--tests PATH]... [--concurrency N] [--incremental]`: mutation testing of one module with
 * StrykerJS and the jest runner (stryker.config.json), against only the tests that
 * exercise it, so one module takes minutes rather than the whole suite per mutant.
 *
 * The tests that read the real stacks share one synth, made here once before Stryker
 * starts (jest's globalSetup, which would synthesize on every jest run Stryker makes, is
 * switched off); a run whose tests need no synth skips it. Those tests see the stacks
 * built from the unmutated code: a mutant only they would catch counts as survived.
 */
import { execFileSync } from 'child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative, resolve } from 'path';
import { ENVIRONMENTS } from '../../config';
import { chartDataDir } from '../../lib/platform/chart-data';
import { synthesize } from '../../stacks/synthesize';
import { missingChartData } from '../../test/support/global-setup';
import { MutateArgs, USAGE, parseMutateArgs, reportName, testMatch, testsFor } from './plan';

const ROOT = resolve(__dirname, '../..');
/** StrykerJS ships ES modules typed for node16 resolution; this is the part used here. */
const STRYKER_CORE: string = '@stryker-mutator/core';
interface StrykerCore {
  readonly Stryker: new (options: Record<string, unknown>) => {
    runMutationTest(): Promise<readonly { readonly status: string }[]>;
  };
}
const JEST = join(ROOT, 'node_modules', '.bin', 'jest');

/**
 * Test files (repository paths) that import `file`, directly or not. jest.config.js roots
 * jest at test/, whose module map then holds no source file: widen it for the lookup.
 */
function relatedTests(file: string): string[] {
  const out = execFileSync(JEST, ['--listTests', '--roots', '<rootDir>', '--findRelatedTests', file], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .filter((line) => line.endsWith('.test.ts'))
    .map((line) => relative(ROOT, line))
    .sort();
}

/** The test files under each test path (a file or a folder). */
function expand(tests: readonly string[]): string[] {
  return tests.flatMap((t) => {
    const full = join(ROOT, t);
    if (!statSync(full).isDirectory()) return [t];
    return readdirSync(full, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => join(t, f));
  });
}

interface Summary {
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  other: number;
}

async function main(args: MutateArgs): Promise<number> {
  const tests = testsFor(args, relatedTests);
  const files = expand(tests);
  const synthUsers = new Set(relatedTests('test/support/synth.ts'));
  const needsSynth = files.some((f) => synthUsers.has(f));
  console.log(
    `mutating ${args.module} against ${files.length} test files${needsSynth ? ' (with one synth)' : ''}`,
  );

  const runDir = mkdtempSync(join(tmpdir(), 'hub-mutate-'));
  try {
    const charts = chartDataDir();
    if (charts) process.env.UPSTREAM_CHARTS_DIR = resolve(charts); // the sandbox runs elsewhere
    if (needsSynth) {
      const missing = missingChartData();
      if (missing) throw new Error(missing);
      const outdir = join(runDir, 'synth');
      synthesize({ environments: ENVIRONMENTS, outdir });
      process.env.HUB_TEST_SYNTH_DIR = outdir;
    }
    process.env.TMPDIR = runDir;
    const { Stryker } = (await import(STRYKER_CORE)) as StrykerCore;
    const stryker = new Stryker({
      mutate: [args.module],
      jest: {
        projectType: 'custom',
        configFile: 'jest.config.js',
        // Jest's roots (test/) hold no source file, so jest cannot relate one to its tests;
        // the test files are chosen above, and per-test coverage picks the tests per mutant.
        enableFindRelatedTests: false,
        config: { testMatch: testMatch(tests), globalSetup: null, globalTeardown: null },
      },
      ...(args.concurrency === undefined ? {} : { concurrency: args.concurrency }),
      ...(args.incremental
        ? {
            incremental: true,
            incrementalFile: `reports/mutation/${reportName(args.module)}.incremental.json`,
          }
        : {}),
      reporters: ['clear-text', 'progress', 'html', 'json'],
      htmlReporter: { fileName: `reports/mutation/${reportName(args.module)}.html` },
      jsonReporter: { fileName: `reports/mutation/${reportName(args.module)}.json` },
      // One sandbox folder per module, so runs of two modules at once do not clean up each other's.
      tempDirName: `.stryker-tmp/${reportName(args.module)}`,
    });
    const results = await stryker.runMutationTest();
    const summary: Summary = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, other: 0 };
    for (const r of results) {
      if (r.status === 'Killed') summary.killed++;
      else if (r.status === 'Timeout') summary.timeout++;
      else if (r.status === 'Survived') summary.survived++;
      else if (r.status === 'NoCoverage') summary.noCoverage++;
      else summary.other++;
    }
    const detected = summary.killed + summary.timeout;
    const valid = detected + summary.survived + summary.noCoverage;
    const score = valid === 0 ? 100 : (100 * detected) / valid;
    console.log(
      `mutation score of ${args.module}: ${score.toFixed(1)}% ` +
        `(${summary.killed} killed, ${summary.timeout} timed out, ${summary.survived} survived, ` +
        `${summary.noCoverage} without coverage, ${summary.other} errors or ignored)`,
    );
    return 0;
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  let args: MutateArgs;
  try {
    args = parseMutateArgs(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  main(args).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    },
  );
}

export { USAGE };
