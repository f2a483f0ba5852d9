/**
 * When and how long to retry a hub API call. Pure functions so the policy can be tested
 * without a clock: callers pass the current time and a random source.
 *
 * 429 is JupyterHub's concurrent spawn limit (and active server limit); 502/503/504 are
 * what the proxy answers while the hub restarts. Connection errors are the same outage
 * seen without a proxy in between. Everything else is an answer, not a transient state.
 */

export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** Socket-level errors that mean "the hub is not there right now". */
const RETRYABLE_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'REQUEST_TIMEOUT',
]);

export interface RetryPolicy {
  /** Attempts in total, including the first. */
  readonly maxAttempts: number;
  /** First backoff delay when the hub gives no Retry-After. */
  readonly baseDelayMs: number;
  /** Upper bound of any single wait, including one asked for by Retry-After. */
  readonly maxDelayMs: number;
  /** Give up once this much time has passed since the first attempt. */
  readonly deadlineMs: number;
}

/** Enough to ride through a hub restart (tens of seconds) and one 30-60 s spawn throttle. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 12,
  baseDelayMs: 250,
  maxDelayMs: 65_000,
  deadlineMs: 180_000,
};

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

export function isRetryableError(code: string | undefined): boolean {
  return code !== undefined && RETRYABLE_ERROR_CODES.has(code);
}

/**
 * Parses a Retry-After header (delta-seconds or an HTTP date) into milliseconds from `now`.
 * Returns undefined when absent or unparseable; never negative.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date) || !/[a-z]/i.test(text)) return undefined;
  return Math.max(0, date - now);
}

/**
 * Delay before retry number `attempt` (1 for the first retry). Retry-After wins when the
 * hub sent one; otherwise exponential backoff with "equal jitter" (half fixed, half random)
 * so that many workers retrying the same outage do not arrive together.
 */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  retryAfterMs: number | undefined,
  random: () => number,
): number {
  if (retryAfterMs !== undefined) return Math.min(policy.maxDelayMs, retryAfterMs);
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/**
 * Whether another attempt is allowed after `attempts` attempts, given the time spent so
 * far and the wait that would come first. Bounded both in count and in time.
 */
export function mayRetry(policy: RetryPolicy, attempts: number, elapsedMs: number, delayMs: number): boolean {
  return attempts < policy.maxAttempts && elapsedMs + delayMs <= policy.deadlineMs;
}
