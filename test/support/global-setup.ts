/**
 * Once per jest run, before the workers start: stops the run at once, with one message
 * saying what to run, when the pinned charts' data is not on this machine (neither
 * UPSTREAM_CHARTS_DIR nor the cache of `npm run charts`); gives the run its own temporary folder
 * (TMPDIR, so cdktf's Testing.app() folders and every test's mkdtemp land in it and go
 * with it), and synthesizes every environment once, so the test files that read the real
 * stacks share one synth instead of paying one each. synthStacks() reads the result
 * through HUB_TEST_SYNTH_DIR.
 */
import { existsSync, mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { ENVIRONMENTS, MONITORING } from '../../config';
import { chartDataHelp, expectedChartDir, pinnedChartDir } from '../../lib/platform/chart-data';
import { CHARTS } from '../../lib/platform/charts';
import { synthesize } from '../../stacks/synthesize';

/** The one message for missing chart data, or undefined when every pinned chart is there. */
export function missingChartData(): string | undefined {
  const missing = Object.values(CHARTS).filter((pin) => !pinnedChartDir(pin));
  if (missing.length === 0) return undefined;
  return (
    `The tests need the pinned Helm charts; not in ${dirname(expectedChartDir(missing[0]))}: ` +
    `${missing.map((pin) => `${pin.chart}-${pin.version}`).join(', ')}.\n` +
    `To fix: ${chartDataHelp()}.`
  );
}

export default function globalSetup(): void {
  // The synth and the policy guard find chart data through chart-data.ts; the tests' default
  // (../shared/upstream-charts) applies to them too.
  const charts = join(__dirname, '..', '..', '..', 'shared', 'upstream-charts');
  if (!process.env.UPSTREAM_CHARTS_DIR && existsSync(charts)) process.env.UPSTREAM_CHARTS_DIR = charts;
  const missing = missingChartData();
  if (missing) throw new Error(missing);
  const runDir = mkdtempSync(join(tmpdir(), 'hub-test-run-'));
  process.env.HUB_TEST_RUN_DIR = runDir;
  process.env.TMPDIR = runDir;
  const outdir = join(runDir, 'synth');
  synthesize({ environments: ENVIRONMENTS, monitoring: MONITORING, outdir });
  process.env.HUB_TEST_SYNTH_DIR = outdir;
}
