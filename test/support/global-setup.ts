/**
 * Synthesizes every environment once per jest run, before the workers start, so the
 * test files that read the real stacks share one synth instead of paying one each.
 * synthStacks() reads the result through HUB_TEST_SYNTH_DIR.
 */
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ENVIRONMENTS } from '../../config';
import { synthesize } from '../../stacks/synthesize';

export default function globalSetup(): void {
  const outdir = mkdtempSync(join(tmpdir(), 'hub-test-synth-'));
  synthesize({ environments: ENVIRONMENTS, outdir });
  process.env.HUB_TEST_SYNTH_DIR = outdir;
}
