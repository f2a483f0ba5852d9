import {
  DEFAULT_RETRY_POLICY,
  RetryPolicy,
  backoffDelay,
  isRetryableError,
  isRetryableStatus,
  mayRetry,
  parseRetryAfter,
} from '../../../tools/hub-stress/retry';

const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 60_000, deadlineMs: 120_000 };

describe('what is retried', () => {
  it('retries the spawn throttle and the proxy-side outage statuses only', () => {
    for (const status of [429, 502, 503, 504]) expect(isRetryableStatus(status)).toBe(true);
    for (const status of [200, 201, 202, 400, 401, 403, 404, 409, 500])
      expect(isRetryableStatus(status)).toBe(false);
  });

  it('retries connection errors seen while the hub restarts, not programming errors', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'REQUEST_TIMEOUT'])
      expect(isRetryableError(code)).toBe(true);
    for (const code of ['ERR_INVALID_URL', 'CERT_HAS_EXPIRED', undefined])
      expect(isRetryableError(code)).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');

  it('reads delta-seconds as JupyterHub sends them', () => {
    expect(parseRetryAfter('33', now)).toBe(33_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfter('Wed, 01 May 2024 12:00:45 GMT', now)).toBe(45_000);
    expect(parseRetryAfter('Wed, 01 May 2024 11:00:00 GMT', now)).toBe(0);
  });

  it('ignores absent or garbled values', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('1.5', now)).toBeUndefined();
  });
});

describe('backoffDelay', () => {
  it('honours Retry-After over the backoff schedule', () => {
    expect(backoffDelay(policy, 1, 42_000, () => 0.5)).toBe(42_000);
  });

  it('caps even a Retry-After at maxDelayMs', () => {
    expect(backoffDelay(policy, 1, 600_000, () => 0.5)).toBe(60_000);
  });

  it('doubles per attempt with half of each delay jittered', () => {
    expect(backoffDelay(policy, 1, undefined, () => 0)).toBe(50);
    expect(backoffDelay(policy, 1, undefined, () => 1)).toBe(100);
    expect(backoffDelay(policy, 3, undefined, () => 0)).toBe(200);
    expect(backoffDelay(policy, 3, undefined, () => 1)).toBe(400);
  });

  it('stops growing at maxDelayMs', () => {
    expect(backoffDelay(policy, 30, undefined, () => 1)).toBe(60_000);
  });
});

describe('mayRetry', () => {
  it('is bounded by the number of attempts', () => {
    expect(mayRetry(policy, 4, 0, 0)).toBe(true);
    expect(mayRetry(policy, 5, 0, 0)).toBe(false);
  });

  it('is bounded by the deadline, counting the wait that would come next', () => {
    expect(mayRetry(policy, 1, 100_000, 20_000)).toBe(true);
    expect(mayRetry(policy, 1, 100_000, 20_001)).toBe(false);
  });

  it('lets the default policy sit out one full 60 s spawn throttle', () => {
    const wait = backoffDelay(DEFAULT_RETRY_POLICY, 1, 60_000, Math.random);
    expect(wait).toBe(60_000);
    expect(mayRetry(DEFAULT_RETRY_POLICY, 1, 0, wait)).toBe(true);
  });
});
