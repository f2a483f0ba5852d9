/**
 * The hub's Python hooks: they compile, their logic holds against stand-in spawners and
 * the real traitlets Config (hub_hooks_test.py, run with python3), and the release ships
 * exactly these files and imports them by the names they are mounted under.
 */
import { profileStartTimeout } from '../../../config/hub-checks';
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { HOOKS_DIR, HOOK_MODULES, hubHookValues } from '../../../lib/jupyterhub/hub-hooks';
import { configuredEnvironments } from '../../support/synth';

/**
 * A python3 that has traitlets, as the hub image does: the one on the PATH, else Debian's
 * (`apt-get install python3-traitlets`, which .ci/run does).
 */
const PYTHON = ['python3', '/usr/bin/python3'].find(
  (candidate) => spawnSync(candidate, ['-c', 'import traitlets']).status === 0,
);

function python(args: string[]) {
  if (!PYTHON)
    throw new Error('the hook tests need python3 with traitlets: apt-get install python3-traitlets');
  const run = spawnSync(PYTHON, args, {
    encoding: 'utf8',
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
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

  it('pass their unit tests against stand-in spawners and a real traitlets Config', () => {
    const result = python([join(__dirname, 'hub_hooks_test.py'), HOOKS_DIR]);
    expect(result.output).toMatch(/Ran 15 tests/);
    expect(result.output).toMatch(/\nOK\s*$/);
    expect(result.status).toBe(0);
  });

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
