/** Retry settings for throttled (429), failed (5xx) and network-broken management API calls. */
export interface RetryOptions {
  /** Attempts per call including the first (default 6). */
  maxAttempts?: number;
  /** Base of the exponential backoff, ms (default 50). */
  baseDelayMs?: number;
  /** Largest single wait, ms (default 2000). */
  maxDelayMs?: number;
}

export interface RetryPolicy {
  readonly maxAttempts: number;
  /** Wait before retry number `attempt` (1-based): full jitter, `random(0, min(max, base·2^attempt))`. */
  delay(attempt: number): number;
}

/**
 * Full-jitter exponential backoff, the one formula of wsapp: a wait drawn from
 * `[0, min(maxMs, firstMs·2^(retry-1)))` before retry number `retry` (1 = the first retry), so
 * `firstMs` is the first retry's ceiling, doubling each retry up to `maxMs`.
 *
 * @param random - a source of numbers in `[0, 1)` (default `Math.random`; seed it in tests).
 */
export function backoffDelay(
  firstMs: number,
  maxMs: number,
  retry: number,
  random: () => number = Math.random,
): number {
  return Math.floor(random() * Math.min(maxMs, firstMs * 2 ** (retry - 1)));
}

export function retryPolicy(options: RetryOptions = {}, random: () => number = Math.random): RetryPolicy {
  const maxAttempts = options.maxAttempts ?? 6;
  const base = options.baseDelayMs ?? 50;
  const max = options.maxDelayMs ?? 2000;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw new RangeError('retry.maxAttempts must be >= 1');
  return {
    maxAttempts,
    // `baseDelayMs` is the base before doubling: the first retry's ceiling is twice it.
    delay: (attempt) => backoffDelay(2 * base, max, attempt, random),
  };
}
