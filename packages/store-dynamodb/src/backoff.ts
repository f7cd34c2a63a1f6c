import { backoffDelay } from '@wsapp/core';

/** Retry policy for what the SDK does not retry itself (transaction conflicts, unprocessed batch items). */
export interface RetryOptions {
  /** Attempts in total, first included (default 8). */
  maxAttempts?: number;
  /** First delay ceiling in ms (default 25); doubles each attempt. */
  baseDelayMs?: number;
  /** Largest delay ceiling in ms (default 1000). */
  maxDelayMs?: number;
}

/** Retry options with defaults applied. */
export type ResolvedRetry = Required<RetryOptions>;

export function resolveRetry(options: RetryOptions = {}): ResolvedRetry {
  return {
    maxAttempts: options.maxAttempts ?? 8,
    baseDelayMs: options.baseDelayMs ?? 25,
    maxDelayMs: options.maxDelayMs ?? 1000,
  };
}

/** Waits core's `backoffDelay` (full jitter, `baseDelayMs` the first ceiling) before retry number `attempt` (1 = first retry). */
export function backoff(retry: ResolvedRetry, attempt: number): Promise<void> {
  const ms = backoffDelay(retry.baseDelayMs, retry.maxDelayMs, attempt);
  return new Promise((resolve) => setTimeout(resolve, ms));
}
