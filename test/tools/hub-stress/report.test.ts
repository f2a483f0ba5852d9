import { Logger } from '../../../tools/hub-stress/log';
import { Report, exitCode, formatText } from '../../../tools/hub-stress/report';

const base: Report = {
  command: 'stress',
  endpoint: 'http://127.0.0.1:8000/hub/api',
  prefix: 'hub-stress',
  dryRun: false,
  interrupted: false,
  kept: false,
  wallTimeS: 12.5,
  failures: {},
  retries: { '429': 2 },
  apiLatencyMs: { count: 3, p50: 10, p95: 20, p99: 20, max: 20 },
  cleanup: { removed: 20, remaining: 0, failures: {} },
};

describe('exitCode', () => {
  it('is 0 for a clean run, 1 for failures or leftovers, 130 when interrupted', () => {
    expect(exitCode(base)).toBe(0);
    expect(exitCode({ ...base, failures: { timeout: 1 } })).toBe(1);
    expect(
      exitCode({ ...base, cleanup: { removed: 19, remaining: 1, failures: { 'stop: timeout': 1 } } }),
    ).toBe(1);
    expect(exitCode({ ...base, kept: true, cleanup: undefined })).toBe(0);
    expect(exitCode({ ...base, interrupted: true })).toBe(130);
  });
});

describe('formatText', () => {
  it('shows retries by status and how to purge kept users', () => {
    const text = formatText({ ...base, kept: true });
    expect(text).toContain('retries:              429: 2');
    expect(text).toContain('hub-stress purge --prefix hub-stress');
  });
});

describe('Logger', () => {
  it('scrubs the token from anything it writes', () => {
    const written: string[] = [];
    const log = new Logger({
      verbose: true,
      tty: false,
      secrets: ['s3cr3t-token'],
      write: (t) => written.push(t),
    });
    log.warn('request to http://hub failed: token s3cr3t-token rejected');
    expect(written.join('')).toBe('request to http://hub failed: token *** rejected\n');
  });

  it('does not garble messages over a token too short to be real', () => {
    const written: string[] = [];
    const log = new Logger({ verbose: true, tty: false, secrets: ['x'], write: (t) => written.push(t) });
    log.warn('expected the hub API URL');
    expect(written.join('')).toBe('expected the hub API URL\n');
  });
});
