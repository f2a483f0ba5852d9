import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../tools/hub-stress/cli';

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
});
