/**
 * The staging hub's login values, run in the real JupyterHub 5.5 and oauthenticator 17.4
 * of the hub's Python environment against an OIDC provider faked on loopback
 * (hub_login_test.py): users are named by `sub`, and someone taken out of the users or
 * admin group loses the login or admin within the refresh age. Two controls show the
 * checks can fail: without auth state, and with oauthenticator's own class (auth state
 * but no re-check of the allowed groups), a removed user stays logged in.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { jupyterHubValues } from '../../../lib/jupyterhub/hub-values';
import { AUTH_REFRESH_AGE_SECONDS, SESSION_MAX_AGE_DAYS } from '../../../lib/jupyterhub/authentication';
import { HOOKS_DIR } from '../../../lib/jupyterhub/hub-hooks';
import { poolScheduling } from '../../../lib/node-scheduling';
import { REPO_ROOT, hubPython } from '../../support/tools';
import { configuredEnvironments } from '../../support/synth';

const CHP = join(REPO_ROOT, 'node_modules', '.bin', 'configurable-http-proxy');

function releaseValues(name: string) {
  const env = configuredEnvironments().find((e) => e.name === name)!;
  const pools = Object.keys(env.nodePools.user).map((name) => ({
    name,
    kind: 'user' as const,
    ...poolScheduling('user', name),
  }));
  const gpus = Object.keys(env.nodePools.gpu).map((name) => ({
    name,
    kind: 'gpu' as const,
    ...poolScheduling('gpu', name),
  }));
  return jupyterHubValues({ env, pools: [...pools, ...gpus], certificateArn: 'arn:aws:acm:x' });
}
const stagingValues = () => releaseValues('staging');

/** The `hub` and `custom` values of an environment's release, in a temp file for the Python tests. */
function withValuesFile<T>(name: string, use: (file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'hub-login-values-'));
  try {
    const values = releaseValues(name);
    const file = join(dir, 'values.json');
    writeFileSync(file, JSON.stringify({ hub: values.hub, custom: values.custom }));
    return use(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runHub(mode: 'shipped' | 'stock-class' | 'no-auth-state', tests: readonly string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'hub-login-values-'));
  try {
    const values = stagingValues();
    const file = join(dir, 'values.json');
    writeFileSync(file, JSON.stringify({ hub: values.hub, custom: values.custom }));
    const run = spawnSync(
      hubPython(),
      [join(__dirname, 'hub_login_test.py'), file, HOOKS_DIR, CHP, mode, ...tests],
      {
        encoding: 'utf8',
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
        timeout: 240_000,
      },
    );
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const REMOVALS = [
  'LoginTest.test_removed_from_the_users_group_is_logged_out_and_cannot_log_in_again',
  'LoginTest.test_removed_from_the_admin_group_loses_admin',
];

describe('the OIDC login in the real JupyterHub 5.5', () => {
  it('ships auth state, refresh before spawn, the refresh age and one-day sessions', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const config = (stagingValues().hub as any).config;
    expect(config.Authenticator).toEqual({
      enable_auth_state: true,
      refresh_pre_spawn: true,
      auth_refresh_age: AUTH_REFRESH_AGE_SECONDS,
    });
    expect(config.JupyterHub.cookie_max_age_days).toBe(SESSION_MAX_AGE_DAYS);
    expect(SESSION_MAX_AGE_DAYS).toBeLessThanOrEqual(1);
  });

  it('names users by sub, ends removed users’ logins and admin rights, and bounds sessions', () => {
    const { status, output } = runHub('shipped');
    expect(output).toMatch(/Ran 5 tests/);
    expect(output).toMatch(/\nOK\s*$/);
    expect(status).toBe(0);
  }, 300_000);

  it.each(['stock-class', 'no-auth-state'] as const)(
    'control %s: a user removed from the users group stays logged in',
    (mode) => {
      const { output } = runHub(mode, REMOVALS);
      expect(output).toMatch(/Ran 2 tests/);
      expect(output).toMatch(
        /test_removed_from_the_users_group_is_logged_out_and_cannot_log_in_again \(.*\) \.\.\. FAIL/,
      );
      if (mode === 'no-auth-state')
        expect(output).toMatch(/test_removed_from_the_admin_group_loses_admin \(.*\) \.\.\. FAIL/);
    },
    300_000,
  );
});

describe('the GitHub login in oauthenticator 17.4', () => {
  it('logs out whoever leaves the organisation and takes admin from whoever leaves the organisers', () => {
    const { status, output } = withValuesFile('hackweek', (file) => {
      const run = spawnSync(hubPython(), [join(__dirname, 'hub_login_github_test.py'), file, HOOKS_DIR], {
        encoding: 'utf8',
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
        timeout: 120_000,
      });
      return { status: run.status, output: `${run.stdout}${run.stderr}` };
    });
    expect(output).toMatch(/Ran 4 tests/);
    expect(output).toMatch(/\nOK\s*$/);
    expect(status).toBe(0);
  });
});
