import type { WebSocketError } from '../errors/web-socket-error.js';
import { WsappError } from '../errors/wsapp-error.js';

/**
 * Whether `value` is a {@link WebSocketError} of any copy of the library (see `WsappError.is`)
 * with a status it can answer. Never throws (a revoked Proxy answers false).
 */
export function isWebSocketError(value: unknown): value is WebSocketError {
  if (!WsappError.is(value, 'WebSocketError')) return false;
  try {
    const { statusCode, expose } = value as Partial<WebSocketError>;
    return (
      Number.isInteger(statusCode) && statusCode! >= 400 && statusCode! <= 599 && typeof expose === 'boolean'
    );
  } catch {
    return false;
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
