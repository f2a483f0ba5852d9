import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../tools/hub-stress/cli';
import { ConfiguredHub, configuredHubs } from '../../../tools/hub-stress/profiles';
import { FakeHub } from './fake-hub';
import { answer, serve } from './support';

/** Runs main() with stdout and stderr captured. */
async function run(argv: string[], env: NodeJS.ProcessEnv, hubs: readonly ConfiguredHub[] = []) {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await main(argv, env, () => hubs);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('hub-stress main', () => {
  it('rejects an unwritable --log-file as bad input, before any request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-stress-cli-'));
    const path = join(dir, 'missing', 'run.log');
    try {
      const result = await run(['status', '--log-file', path], {
        // Nothing listens here: reaching the network would fail differently.
        JUPYTERHUB_API_URL: 'http://127.0.0.1:1/hub/api',
        JUPYTERHUB_API_TOKEN: 'test-token-0123',
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `hub-stress: --log-file: cannot append to ${JSON.stringify(path)} (ENOENT: no such file or directory)\n`,
      );
      expect(result.stdout).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with --json, answers a failed run with its error and the users that may remain', async () => {
    const hub = new FakeHub();
    // The hub takes the token but cannot create or remove anybody.
    hub.intercept = (method, path) => {
      if (method === 'POST' && path === '/users') return answer(500, { message: 'database is locked' });
      if (method === 'DELETE') return answer(403, { message: 'Action is not authorized' });
      return undefined;
    };
    const server = await serve(hub);
    try {
      const result = await run(['activity', '--count', '2', '--timeout', '1', '--json'], {
        JUPYTERHUB_API_URL: server.url,
        JUPYTERHUB_API_TOKEN: 'test-token-0123',
      });
      expect(result.code).toBe(1);
      expect(JSON.parse(result.stdout)).toEqual({
        error: 'no user could be created',
        mayRemain: ['hub-stress-0001', 'hub-stress-0002'],
      });
      expect(result.stderr).toContain(
        'may remain: hub-stress-0001..hub-stress-0002 (2 users); remove with: hub-stress purge --prefix hub-stress',
      );
    } finally {
      await server.close();
    }
  });

  it('with --json, answers bad input with {"error": ...} on stdout as well as the line on stderr', async () => {
    const result = await run(['stress', '--count', 'many', '--json'], {
      JUPYTERHUB_API_URL: 'http://127.0.0.1:1/hub/api',
      JUPYTERHUB_API_TOKEN: 'test-token-0123',
    });
    expect(result.code).toBe(2);
    const { error } = JSON.parse(result.stdout);
    expect(error).toMatch(/^--count: /);
    expect(result.stderr).toBe(`hub-stress: ${error}\n`);
  });

  it('says the host is unknown when its name does not resolve, and with --json answers with the error', async () => {
    // .invalid never resolves (RFC 6761).
    const result = await run(['status', '--json'], {
      JUPYTERHUB_API_URL: 'https://hub.nowhere.invalid/hub/api',
      JUPYTERHUB_API_TOKEN: 'test-token-0123',
    });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({
      error: expect.stringMatching(
        /^--endpoint: the host "hub\.nowhere\.invalid" is unknown \(DNS lookup failed: (ENOTFOUND|EAI_AGAIN)\); check the hub's name in the URL$/,
      ),
    });
  });

  describe('--profile', () => {
    // Nothing listens on port 1: a check that reached the network would fail differently.
    const env = { JUPYTERHUB_API_URL: 'http://127.0.0.1:1/hub/api', JUPYTERHUB_API_TOKEN: 'test-token-0123' };
    const hackweek = configuredHubs().find((hub) => hub.environment === 'hackweek')!;
    const local = { ...hackweek, host: '127.0.0.1' };

    it("is checked against the hub's profiles in a dry run, before any request", async () => {
      const result = await run(['stress', '--dry-run', '--profile', 'default', '--json'], env, [local]);
      expect(result.code).toBe(2);
      expect(JSON.parse(result.stdout)).toEqual({
        error:
          '--profile: "default" is not a profile of the hackweek hub (127.0.0.1); its profiles: icesat2, gpu',
      });
    });

    it('refuses a profile open only to some groups, which hub-stress users are not in', async () => {
      const result = await run(['stress', '--dry-run', '--profile', 'gpu'], env, [local]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        'hub-stress: --profile: "gpu" is open only to some users or groups on the hackweek hub, and hub-stress users are in none; open profiles: icesat2\n',
      );
    });

    it("passes an open profile on to the hub's checks, and warns when the hub is not a configured one", async () => {
      const open = await run(['stress', '--dry-run', '--profile', 'icesat2'], env, [local]);
      expect(open.stderr).toMatch(/did not answer as a JupyterHub API|nothing listens/);
      const unknown = await run(['stress', '--dry-run', '--profile', 'icesat2'], env, [hackweek]);
      expect(unknown.stderr).toContain(
        'hub-stress: --profile icesat2 is not checked: 127.0.0.1 is not the hub of an environment in config/',
      );
    });
  });
});
