import { setTimeout as sleep } from 'node:timers/promises';

/** Options of {@link waitUntil}. */
export interface WaitOptions {
  /** What is awaited, for the timeout message. */
  what: string;
  timeoutMs?: number;
  intervalMs?: number;
  /** Called on timeout to add context (e.g. a log tail) to the error. */
  detail?: () => string;
}

/** Polls `check` until it returns true; a throwing check counts as false. Rejects after the timeout. */
export async function waitUntil(check: () => Promise<boolean>, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    await sleep(options.intervalMs ?? 50);
  }
  const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  const detail = options.detail ? `\n${options.detail()}` : '';
  throw new Error(`timed out waiting for ${options.what}${cause}${detail}`);
}
