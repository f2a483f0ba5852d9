import { rmSync } from 'fs';

/** Removes the run's temporary folder, and with it everything the tests left in it. */
export default function globalTeardown(): void {
  const runDir = process.env.HUB_TEST_RUN_DIR;
  if (runDir) rmSync(runDir, { recursive: true, force: true });
}
