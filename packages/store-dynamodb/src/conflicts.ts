import { StoreUnavailableError } from '@wsapp/core';
import { backoff, type ResolvedRetry } from './backoff.js';

/** What an optimistic attempt answers when a concurrent change made it fail: try again. */
export const CONFLICT: unique symbol = Symbol('conflict');

/**
 * The optimistic loop of every operation that reads, then writes under a condition: runs `attempt`
 * until it answers something else than {@link CONFLICT}, at most `retry.maxAttempts` times, with
 * jittered backoff from the second retry on (the first follows a fresh read, so it rarely conflicts).
 */
export async function untilSettled<T>(
  retry: ResolvedRetry,
  what: string,
  attempt: () => Promise<T | typeof CONFLICT>,
): Promise<T> {
  for (let n = 1; n <= retry.maxAttempts; n++) {
    if (n > 2) await backoff(retry, n - 2);
    const result = await attempt();
    if (result !== CONFLICT) return result;
  }
  throw new StoreUnavailableError(`DynamoDB ${what} kept conflicting with concurrent changes`);
}
