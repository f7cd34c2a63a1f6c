import { setMaxListeners } from 'node:events';

/** What {@link beforeDeadline} answers when the deadline came first. */
export const TIMED_OUT: unique symbol = Symbol('wsapp.timedOut');

/**
 * Waits for `work` until the deadline (epoch ms) or until `signal` aborts, whatever `work` does: a
 * frozen store or a transport that ignores its abort signal cannot hold a broadcast past it. The
 * abandoned promise is left to settle on its own (its rejection is swallowed). An infinite deadline
 * without a signal waits for `work`.
 */
export async function beforeDeadline<T>(
  work: Promise<T>,
  deadline: number,
  signal?: AbortSignal,
): Promise<T | typeof TIMED_OUT> {
  if (!Number.isFinite(deadline) && signal === undefined) return work;
  work.catch(() => {});
  const left = deadline - Date.now();
  if (left <= 0 || signal?.aborted) return TIMED_OUT;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const cut = new Promise<typeof TIMED_OUT>((resolve) => {
    if (Number.isFinite(left)) timer = setTimeout(() => resolve(TIMED_OUT), left);
    onAbort = () => resolve(TIMED_OUT);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, cut]);
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
  }
}

/** Sleeps `ms`, or less when `signal` aborts (a stopped broadcast does not wait out its backoffs). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * The controller that stops a broadcast's calls. Every call in flight listens to its signal, so it
 * has as many listeners as the broadcast's concurrency: without a raised limit Node warns
 * (`MaxListenersExceededWarning`) past 10, although each listener is removed when its call ends.
 */
export function stopController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}
