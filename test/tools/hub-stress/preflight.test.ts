import { UsageError } from '../../../tools/hub-stress/args';
import { HubClient } from '../../../tools/hub-stress/hub-client';
import { missingScopes, preflight } from '../../../tools/hub-stress/preflight';
import { Step, answer, quiet, scripted } from './support';

const ENDPOINT = 'http://hub.test/nothing';
const once = { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, deadlineMs: 1_000 };

async function preflightError(steps: Step[], command: 'stress' | 'status' = 'stress'): Promise<UsageError> {
  const client = new HubClient(ENDPOINT, 'tok', scripted(steps), quiet, once);
  try {
    await preflight(client, command, ENDPOINT);
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error('expected a UsageError');
}

describe('preflight', () => {
  it('reports a URL that answers with an HTML 404 page on one short line', async () => {
    const page = `<!DOCTYPE html>\n<html>\n<head>\n<title>404 Not Found</title>\n</head>\n<body>\n${'<p>lost</p>\n'.repeat(50)}</body>\n</html>\n`;
    const err = await preflightError([{ status: 404, headers: { 'content-type': 'text/html' }, body: page }]);
    expect(err.message).toBe(
      '--endpoint: "http://hub.test/nothing" did not answer as a JupyterHub API (HTTP 404 (Not Found)); expected the hub API URL, e.g. https://hub.example.org/hub/api',
    );
    expect(err.exitCode).toBe(2);
  });

  it('names the scopes a token lacks, and who it belongs to', async () => {
    const err = await preflightError([
      answer(200, { version: '3.0.0' }),
      answer(200, { kind: 'service', name: 'hub-stress-readonly', scopes: ['list:users'] }),
    ]);
    expect(err.message).toBe(
      '--token: the token (of "hub-stress-readonly") lacks admin:users, admin:servers; stress needs admin:users and admin:servers',
    );
  });

  it('accepts a read-only token for status', async () => {
    const client = new HubClient(
      ENDPOINT,
      'tok',
      scripted([
        answer(200, { version: '3.0.0' }),
        answer(200, { kind: 'service', name: 'ro', scopes: ['list:users', 'read:servers'] }),
      ]),
      quiet,
      once,
    );
    await expect(preflight(client, 'status', ENDPOINT)).resolves.toBeUndefined();
  });
});

describe('missingScopes', () => {
  it('accepts an admin token, whose scopes imply the narrower ones', () => {
    expect(missingScopes('status', ['admin:users', 'admin:servers'])).toEqual([]);
    expect(missingScopes('activity', ['admin:users'])).toEqual([]);
  });

  it('names what a token without server rights lacks', () => {
    expect(missingScopes('stress', ['admin:users'])).toEqual(['admin:servers']);
    expect(missingScopes('stress', ['read:users'])).toEqual(['admin:users', 'admin:servers']);
  });
});
