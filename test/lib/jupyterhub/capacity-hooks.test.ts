/**
 * night_mode.py and profile_idle.py in the hub's Python (capacity_hooks_test.py, pytest):
 * the night and its announcement in a real time zone, which servers a sweep stops, the
 * idle flag each profile's spawn gets. The hooks against a running hub are in
 * test/e2e/capacity-schedule.
 */
import { spawnSync } from 'child_process';
import { join } from 'path';
import { HOOKS_DIR } from '../../../lib/jupyterhub/hub-hooks';
import { hubPython } from '../../support/tools';

it('night mode and per-profile idle hooks hold (pytest in the hub environment)', () => {
  const run = spawnSync(
    hubPython(),
    ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', join(__dirname, 'capacity_hooks_test.py')],
    {
      encoding: 'utf8',
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', HUB_HOOKS_DIR: HOOKS_DIR },
      timeout: 120_000,
    },
  );
  const output = `${run.stdout}${run.stderr}`;
  expect(output).toMatch(/\b11 passed\b/);
  expect(output).not.toMatch(/\b(failed|error|skipped)\b/);
  expect(run.status).toBe(0);
}, 120_000);
