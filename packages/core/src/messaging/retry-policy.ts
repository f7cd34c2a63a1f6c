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

export function retryPolicy(options: RetryOptions = {}, random: () => number = Math.random): RetryPolicy {
  const maxAttempts = options.maxAttempts ?? 6;
  const base = options.baseDelayMs ?? 50;
  const max = options.maxDelayMs ?? 2000;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw new RangeError('retry.maxAttempts must be >= 1');
  return {
    maxAttempts,
    delay: (attempt) => Math.floor(random() * Math.min(max, base * 2 ** attempt)),
  };
}
