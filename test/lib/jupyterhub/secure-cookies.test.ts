/**
 * TLS ends at the network load balancer, so the hub and the user servers see plain HTTP;
 * every cookie must still carry Secure. Checked with the hub's real JupyterHub 5.5 behind
 * its configurable-http-proxy on loopback, configured from the synthesized values.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse } from 'yaml';
import { HOOKS_DIR } from '../../../lib/jupyterhub/hub-hooks';
import { configuredEnvironments, resourceAt, StackJson, synthStacks } from '../../support/synth';
import { REPO_ROOT, hubPython } from '../../support/tools';

const stacks = synthStacks();
const valuesOf = (name: string): StackJson =>
  parse(
    resourceAt(stacks.get(`hub-platform-${name}`)!, 'helm_release', 'jupyterhub/chart/release').values[0],
  );

describe('cookies behind TLS termination', () => {
  it.each(configuredEnvironments().map((env) => [env.name, env.hub.domain.name]))(
    '%s: the hub knows its public https URL and asks for Secure cookies everywhere',
    (name, domain) => {
      const values = valuesOf(name);
      expect(values.hub.config.JupyterHub.public_url).toBe(`https://${domain}/`);
      expect(values.custom.cookies).toEqual({ secure: true });
      // As KubeSpawner hands it to the server: its {placeholder} expansion turns {{ }} into { }.
      const expanded = values.singleuser.extraEnv.JUPYTERHUB_COOKIE_OPTIONS.replace(/([{}])\1/g, '$1');
      expect(JSON.parse(expanded)).toEqual({ secure: true });
    },
  );

  it('hackweek: a real JupyterHub 5.5 reached over plain HTTP sets only Secure cookies, and so do user servers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'secure-cookies-'));
    try {
      const file = join(dir, 'values.json');
      writeFileSync(file, JSON.stringify(valuesOf('hackweek')));
      const run = spawnSync(
        hubPython(),
        [
          '-m',
          'pytest',
          '-q',
          '-p',
          'no:cacheprovider',
          join(__dirname, 'secure_cookies_test.py'),
          '--hooks',
          HOOKS_DIR,
          '--values',
          file,
          '--chp',
          join(REPO_ROOT, 'node_modules', '.bin', 'configurable-http-proxy'),
        ],
        { encoding: 'utf8', cwd: __dirname, timeout: 180_000 },
      );
      expect({ status: run.status, output: run.stdout + run.stderr }).toEqual({
        status: 0,
        output: expect.stringMatching(/3 passed/),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 200_000);
});
