import { rmSync } from 'fs';

export default function globalTeardown(): void {
  const outdir = process.env.HUB_TEST_SYNTH_DIR;
  if (outdir) rmSync(outdir, { recursive: true, force: true });
}
