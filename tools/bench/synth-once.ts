/**
 * One measured synth of every environment, run in a fresh process by tools/bench.ts.
 * Prints the time since the process started and its peak resident memory as JSON.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { performance } from 'perf_hooks';
import { ENVIRONMENTS, MONITORING } from '../../config';
import { synthesize } from '../../stacks/synthesize';

const outdir = mkdtempSync(join(tmpdir(), 'hub-bench-'));
try {
  const { stacks } = synthesize({ environments: ENVIRONMENTS, monitoring: MONITORING, outdir });
  const report = {
    stacks: stacks.length,
    processMs: performance.now(),
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
