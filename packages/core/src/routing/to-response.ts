import type { WebSocketError } from '../errors/web-socket-error.js';
import type { WebSocketResponse } from '../events/event-types.js';

/** A handler's return value as the integration response: `undefined` → 200, string as is, else JSON. */
export function toResponse(result: unknown, headers?: Record<string, string>): WebSocketResponse {
  // Built as literals, one shape each, rather than grown property by property (runs on every event).
  if (result === undefined) return headers === undefined ? { statusCode: 200 } : { statusCode: 200, headers };
  const body = typeof result === 'string' ? result : JSON.stringify(result);
  return headers === undefined ? { statusCode: 200, body } : { statusCode: 200, body, headers };
}

const GENERIC: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  413: 'Payload too large',
  429: 'Too many requests',
  500: 'Internal server error',
};

/** A generic message for a status, used whenever the real one must not reach the client. */
export function genericMessage(status: number): string {
  return GENERIC[status] ?? (status >= 500 ? 'Internal server error' : 'Request failed');
}

/**
 * The response for an error with a status; internals are shown only when the error says so.
 * Never throws: details JSON cannot carry (a bigint, a cycle, a throwing getter) are left out.
 */
export function errorResponse(error: WebSocketError, requestId?: string): WebSocketResponse {
  const message = error.expose ? error.message : genericMessage(error.statusCode);
  const base: Record<string, unknown> = requestId === undefined ? { message } : { message, requestId };
  if (error.expose && error.details !== undefined) {
    try {
      return { statusCode: error.statusCode, body: JSON.stringify({ ...error.details, ...base }) };
    } catch {
      // fall through: answer without the details
    }
  }
  return { statusCode: error.statusCode, body: JSON.stringify(base) };
}
