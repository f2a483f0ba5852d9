/**
 * Once per jest run, before the workers start: gives the run its own temporary folder
 * (TMPDIR, so cdktf's Testing.app() folders and every test's mkdtemp land in it and go
 * with it), and synthesizes every environment once, so the test files that read the real
 * stacks share one synth instead of paying one each. synthStacks() reads the result
 * through HUB_TEST_SYNTH_DIR.
 */
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ENVIRONMENTS, MONITORING } from '../../config';
import { synthesize } from '../../stacks/synthesize';

export default function globalSetup(): void {
  const runDir = mkdtempSync(join(tmpdir(), 'hub-test-run-'));
  process.env.HUB_TEST_RUN_DIR = runDir;
  process.env.TMPDIR = runDir;
  const outdir = join(runDir, 'synth');
  synthesize({ environments: ENVIRONMENTS, monitoring: MONITORING, outdir });
  process.env.HUB_TEST_SYNTH_DIR = outdir;
}
