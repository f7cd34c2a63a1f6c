import { WebSocketError } from '../errors/web-socket-error.js';

/** `instanceof WebSocketError` that never throws (a revoked Proxy answers false). */
export function isWebSocketError(value: unknown): value is WebSocketError {
  try {
    return value instanceof WebSocketError;
  } catch {
    return false; // a revoked Proxy
  }
}

/** Whether a handler's value is a promise (or a thenable) to await. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value instanceof Promise ||
    (((typeof value === 'object' && value !== null) || typeof value === 'function') &&
      typeof (value as { then?: unknown }).then === 'function')
  );
}
