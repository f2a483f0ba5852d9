import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../tools/hub-stress/cli';
import { FakeHub } from './fake-hub';
import { answer, serve } from './support';

/** Runs main() with stdout and stderr captured. */
async function run(argv: string[], env: NodeJS.ProcessEnv) {
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
    const code = await main(argv, env);
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
});
