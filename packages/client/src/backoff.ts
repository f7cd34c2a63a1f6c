/** Reconnect delays: exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"). */
export interface BackoffOptions {
  /** Delay cap before jitter for the first retry, in ms. Default 500. */
  baseMs?: number;
  /** Largest delay, in ms. Default 30 000. */
  maxMs?: number;
}

/**
 * The delay before retry number `attempt` (1-based): uniform in `[0, min(maxMs, baseMs · 2^(attempt-1)))`.
 * Full jitter spreads clients that dropped together (an outage) over the whole window.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const cap = Math.min(options.maxMs ?? 30_000, (options.baseMs ?? 500) * 2 ** Math.min(attempt - 1, 30));
  return Math.floor(random() * cap);
}
