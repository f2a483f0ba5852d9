/**
 * The hub's Python hooks: they compile, their logic holds against the real objects of the
 * hub (hub_hooks_test.py, run by pytest in the hub's Python environment: KubeSpawner 7 in
 * mock mode with the hackweek release's synthesized profile list, JupyterHub 5.5's User
 * and groups, the traitlets Config, oauthenticator's GitHubOAuthenticator), and the release
 * ships exactly these files and imports them by the names they are mounted under.
 */
import { profileStartTimeout } from '../../../config/hub-checks';
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { HOOKS_DIR, HOOK_MODULES, hubHookValues } from '../../../lib/jupyterhub/hub-hooks';
import { configuredEnvironments, releaseOf, synthStacks } from '../../support/synth';
import { hubPython } from '../../support/tools';

function python(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(hubPython(), args, {
    encoding: 'utf8',
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...env },
    timeout: 300_000,
  });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** The hooks' values for the hackweek environment as configured. */
function hackweekHooks() {
  const hackweek = configuredEnvironments().find((env) => env.name === 'hackweek')!;
  return hubHookValues({
    hub: hackweek.hub,
    startTimeouts: Object.fromEntries(
      hackweek.hub.profiles.map((p) => [p.slug, profileStartTimeout(hackweek, p)]),
    ),
    profileAccess: {},
    defaultProfile: 'icesat2',
    githubTeamGroups: true,
  });
}

describe('hub hooks', () => {
  it.each(HOOK_MODULES)('%s.py compiles', (module) => {
    const out = mkdtempSync(join(tmpdir(), 'py-compile-'));
    try {
      const source = join(HOOKS_DIR, `${module}.py`);
      const code = `import py_compile; py_compile.compile(${JSON.stringify(source)}, cfile=${JSON.stringify(join(out, 'x.pyc'))}, doraise=True)`;
      const result = python(['-c', code]);
      expect(result.output).toBe('');
      expect(result.status).toBe(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("hold against KubeSpawner, JupyterHub's users and the hackweek release's profiles (pytest)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-hooks-'));
    try {
      const release = join(dir, 'hackweek-jupyterhub-values.json');
      const { values } = releaseOf(synthStacks().get('hub-platform-hackweek')!, 'jupyterhub');
      writeFileSync(release, JSON.stringify(values));
      const result = python(
        ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', join(__dirname, 'hub_hooks_test.py')],
        { HUB_HOOKS_DIR: HOOKS_DIR, HUB_HOOKS_RELEASE: release },
      );
      expect(result.output).toMatch(/\b21 passed\b/);
      expect(result.output).not.toMatch(/\b(failed|error|skipped)\b/);
      expect(result.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it('are mounted next to jupyterhub_config.py under their module names and imported by them', () => {
    const values = hackweekHooks();
    const files = Object.values(values.extraFiles) as Array<{ mountPath: string; stringData: string }>;
    expect(files.map((f) => f.mountPath).sort()).toEqual(
      HOOK_MODULES.map((m) => `/usr/local/etc/jupyterhub/${m}.py`).sort(),
    );
    for (const module of HOOK_MODULES) {
      const file = files.find((f) => f.mountPath.endsWith(`/${module}.py`))!;
      expect(file.stringData).toBe(readFileSync(join(HOOKS_DIR, `${module}.py`), 'utf8'));
      expect(Object.values(values.extraConfig).join('\n')).toMatch(
        new RegExp(`\\b${module}\\.configure\\(c, `),
      );
    }
  });

  it('give the shared-folder hook the configured instructors and the shared volume', () => {
    const { custom } = hackweekHooks();
    expect(custom.sharedFolder).toEqual({
      volume: 'shared',
      claim: 'shared',
      readWriteMountPath: '/home/jovyan/shared-readwrite',
      instructors: { users: [], groups: ['ICESAT-2HackWeek:tutorial-leads'] },
    });
  });

  it("give the start-timeout hook each profile's timeout", () => {
    const { custom } = hackweekHooks();
    // The ICESat-2 profile has no timeout of its own: its CPU pool's need, node boot from
    // zero plus image pull (600 s, what the 2020 hackweek ran with); the GPU profile 900 s.
    expect(custom.hubAccess).toMatchObject({ startTimeouts: { icesat2: 600, gpu: 900 } });
  });
});

describe('capacity-schedule hooks', () => {
  it("give the idle hook each profile's own idle timeout, and none to profiles without one", () => {
    const { custom } = hackweekHooks();
    expect(custom.profileIdle).toEqual({ idleTimeouts: { gpu: 1800 }, defaultProfile: 'icesat2' });
  });

  it("give night mode the hackweek's night in Seattle time, its opt-out team, and no group to create (GitHub supplies teams)", () => {
    const { custom } = hackweekHooks();
    expect(custom.nightMode).toEqual({
      timeZone: 'America/Los_Angeles',
      start: '22:00',
      end: '07:00',
      idleSeconds: 1800,
      optOutGroup: 'ICESAT-2HackWeek:night-owls',
      announceMinutesBefore: 60,
      checkIntervalSeconds: 300,
      createOptOutGroup: false,
    });
  });

  it('leave night mode out of an environment without one', () => {
    const prod = configuredEnvironments().find((env) => env.name === 'prod')!;
    const { custom, extraConfig } = hubHookValues({
      hub: prod.hub,
      startTimeouts: {},
      profileAccess: {},
      defaultProfile: prod.hub.profiles[0].slug,
      githubTeamGroups: false,
    });
    expect(custom.nightMode).toBeUndefined();
    expect(Object.values(extraConfig).join('\n')).toContain('if get_config("custom.nightMode"):');
  });
});
