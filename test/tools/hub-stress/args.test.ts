import { HelpRequested, UsageError, parseEndpoint, parseOptions } from '../../../tools/hub-stress/args';

const env = {
  JUPYTERHUB_API_URL: 'http://127.0.0.1:8000/hub/api/',
  JUPYTERHUB_API_TOKEN: 'secret-token-value',
};

function usageError(argv: string[], environment: NodeJS.ProcessEnv = env): UsageError {
  try {
    parseOptions(argv, environment);
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error(`expected a UsageError for ${argv.join(' ')}`);
}

describe('parseOptions', () => {
  it('applies defaults and reads endpoint and token from the environment', () => {
    const options = parseOptions(['stress'], env);
    expect(options).toMatchObject({
      command: 'stress',
      endpoint: 'http://127.0.0.1:8000/hub/api',
      token: 'secret-token-value',
      prefix: 'hub-stress',
      count: 10,
      batchSize: 10,
      spawnLimit: undefined,
      keep: false,
      timeoutMs: 300_000,
      dryRun: false,
      json: false,
    });
  });

  it('lets options override the environment', () => {
    const options = parseOptions(
      [
        'stress',
        '--endpoint',
        'https://hub.example.org/hub/api',
        '--token',
        'other',
        '--count',
        '50',
        '--keep',
      ],
      env,
    );
    expect(options).toMatchObject({
      endpoint: 'https://hub.example.org/hub/api',
      token: 'other',
      count: 50,
      keep: true,
    });
  });

  it('defaults activity to 100 users and converts seconds to milliseconds', () => {
    expect(parseOptions(['activity', '--duration', '5', '--workers', '3'], env)).toMatchObject({
      count: 100,
      durationMs: 5000,
      workers: 3,
    });
  });

  it.each([
    ['1', 1],
    ['500', 500],
  ])('accepts --batch-size %s, the edges of its range', (text, value) => {
    expect(parseOptions(['stress', '--batch-size', text], env).batchSize).toBe(value);
  });

  it.each([
    ['1', 1],
    ['64', 64],
    ['10000', 10_000],
  ])('takes --spawn-limit %s as the hub limit for stress', (text, value) => {
    expect(parseOptions(['stress', '--spawn-limit', text], env).spawnLimit).toBe(value);
  });

  it.each([
    [
      ['stress', '--spawn-limit', '0'],
      /^--spawn-limit: "0" is not allowed; expected an integer from 1 to 10000$/,
    ],
    [['stress', '--spawn-limit', '10001'], /^--spawn-limit: "10001" .* from 1 to 10000$/],
    [['stress', '--spawn-limit', 'three'], /^--spawn-limit: "three" is not allowed/],
    [['activity', '--spawn-limit', '3'], /^--spawn-limit: not used by activity; it applies to stress$/],
    [['purge', '--spawn-limit', '3'], /^--spawn-limit: not used by purge; it applies to stress$/],
    [['stress', '--batch-size', '501'], /^--batch-size: "501" .* from 1 to 500/],
    [['stress', '--count', '0'], /^--count: "0" is not allowed; expected an integer from 1 to 10000$/],
    [['stress', '--count', '-3'], /^Option '--count' argument is ambiguous; run with --help/],
    [['stress', '--count=-3'], /^--count: "-3" is not allowed/],
    [['stress', '--count', '2.5'], /^--count: "2.5"/],
    [['stress', '--count', 'ten'], /^--count: "ten"/],
    [['stress', '--batch-size', '0'], /^--batch-size: "0" .* from 1 to 500/],
    [['stress', '--timeout', '0'], /^--timeout: "0"/],
    [['stress', '--prefix', 'Hub_Stress'], /^--prefix: "Hub_Stress" is not allowed/],
    [['stress', '--prefix', 'ends-'], /^--prefix: "ends-"/],
    [['stress', '--profile', 'a b'], /^--profile: "a b"/],
    [['purge', '--count', '5'], /^--count: not used by purge; it applies to stress and activity$/],
    [['status', '--keep'], /^--keep: not used by status/],
    [['stress', '--workers', '3'], /^--workers: not used by stress/],
    [['explode'], /^command: "explode" is unknown; expected one of stress, activity, purge, status$/],
    [[], /^command: missing/],
    [['stress', 'extra'], /unexpected argument "extra"/],
    [['stress', '--nope'], /Unknown option '--nope'.*--help/],
  ])('rejects %j', (argv, message) => {
    const err = usageError(argv);
    expect(err.message).toMatch(message);
    expect(err.exitCode).toBe(2);
    expect(err.message).not.toContain('\n');
  });

  it('names the missing endpoint and where it can come from', () => {
    expect(usageError(['stress'], { JUPYTERHUB_API_TOKEN: 't' }).message).toMatch(
      /^--endpoint: missing; pass --endpoint or set JUPYTERHUB_API_URL/,
    );
  });

  it('names the missing token without inventing one', () => {
    expect(usageError(['stress'], { JUPYTERHUB_API_URL: 'http://h/hub/api' }).message).toMatch(
      /^--token: missing; pass --token or set JUPYTERHUB_API_TOKEN/,
    );
  });

  it('never echoes the token value, even when rejecting it', () => {
    const err = usageError(['stress', '--token', 'abc def-very-secret']);
    expect(err.message).toMatch(/^--token: .*whitespace/);
    expect(err.message).not.toContain('very-secret');
  });

  it('reports a bad option before complaining about missing credentials', () => {
    expect(usageError(['stress', '--count', '0'], {}).message).toMatch(/^--count/);
  });

  it('signals --help separately from errors', () => {
    expect(() => parseOptions(['--help'], env)).toThrow(HelpRequested);
  });
});

describe('parseEndpoint', () => {
  it('strips trailing slashes and keeps a base path', () => {
    expect(parseEndpoint('https://hub.example.org/prefix/hub/api//')).toBe(
      'https://hub.example.org/prefix/hub/api',
    );
  });

  it.each([
    ['not a url', /is not a URL/],
    ['ftp://hub.example.org/hub/api', /has scheme ftp:; expected http: or https:/],
    ['https://user:pw@hub.example.org/hub/api', /must not carry credentials/],
    ['https://hub.example.org/hub/api?token=x', /must not carry credentials, a query/],
    ['', /missing/],
  ])('rejects %j', (raw, message) => {
    expect(() => parseEndpoint(raw)).toThrow(message);
  });

  it('does not echo credentials embedded in a rejected URL', () => {
    expect(() => parseEndpoint('https://user:pw@hub.example.org/hub/api')).toThrow(/^(?!.*pw@)/);
  });
});
