import { StoreUnavailableError, WsappError } from '@wsapp/core';

/**
 * Runs `work` with a deadline: answers its result, or rejects with `StoreUnavailableError` when
 * it takes longer than `timeoutMs` or fails with a Redis or connection error. Errors of wsapp
 * itself (`ConnectionNotFoundError`, …) pass through unchanged.
 */
export async function guarded<T>(operation: string, timeoutMs: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new StoreUnavailableError(`Redis ${operation} did not complete within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([work(), deadline]);
  } catch (error) {
    if (error instanceof WsappError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreUnavailableError(`Redis ${operation} failed: ${reason}`, error);
  } finally {
    clearTimeout(timer);
  }
}
