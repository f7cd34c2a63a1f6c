import { WebSocketError } from '../errors/web-socket-error.js';
import { WsappError, wsappMatch } from '../errors/wsapp-error.js';
import type { ClassErrorHandler, Definitions } from './route-definitions.js';
import type { ErrorClass, ErrorHandler } from './types.js';
import { isWebSocketError } from './value-guards.js';

/** The error handlers of one app or router, as a route sees them. */
export interface ErrorLevel {
  readonly handlers: readonly ClassErrorHandler[];
  readonly catchAll: ErrorHandler<object, object> | undefined;
}

export function errorLevel(definitions: Definitions): ErrorLevel {
  return { handlers: definitions.errorHandlers, catchAll: definitions.catchAll };
}

/**
 * The handlers to try for `error`, in order. `levels` are the route's own router first, then each
 * router around it, the app last. Levels come first: every `errorHandler()` of a level is tried
 * before any of the next level's, and within a level by exact class, then `instanceof`, then
 * `code` (each stage in registration order): a wsapp error of any copy of the library (its brand)
 * whose code is the class's static `code`, or any wsapp error for `WsappError` itself. Then the
 * catch-alls (`onError`), innermost first. A handler registered for several matching classes is tried once, at its first match.
 * Never throws: a revoked Proxy or a throwing getter simply matches nothing.
 */
export function handlersFor(error: unknown, levels: readonly ErrorLevel[]): ErrorHandler<object, object>[] {
  const found: ErrorHandler<object, object>[] = [];
  const add = (h: ErrorHandler<object, object>) => {
    if (!found.includes(h)) found.push(h);
  };
  const proto = safely(() =>
    typeof error === 'object' && error !== null ? Object.getPrototypeOf(error) : undefined,
  );
  // By code only for a wsapp error (the brand every copy shares): a code alone is no proof, any
  // library's error can carry one.
  const branded = WsappError.is(error);
  const code = branded ? safely(() => error.code) : undefined;
  const byCode = (c: ErrorClass) => {
    if (!branded) return false;
    const match = wsappMatch(c);
    return match === 'any' || (match !== undefined && match.code === code);
  };
  const stages: Array<(c: ErrorClass) => boolean> = [
    (c) => proto !== undefined && proto === c.prototype,
    (c) => safely(() => error instanceof c) === true,
    byCode,
  ];
  for (const level of levels) {
    for (const matches of stages) {
      for (const entry of level.handlers) {
        if (entry.classes.some(matches)) add(entry.handler as ErrorHandler<object, object>);
      }
    }
  }
  for (const level of levels) if (level.catchAll !== undefined) add(level.catchAll);
  return found;
}

function safely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** Store errors caused by the client's input, by code (any copy of the library), and what they answer. */
const CLIENT_INPUT: Readonly<Record<string, string>> = {
  InvalidChannel: 'Invalid channel name',
  TooManyChannels: 'Too many channels',
  InvalidData: 'Invalid connection data',
};

/**
 * Store errors caused by the client's input (a channel name, data, too many channels) as the 400
 * the client gets; their message holds that input, so it is neither answered nor logged.
 * Recognised by their code, so a store built on another copy of the library is understood too.
 */
export function clientInputError(error: unknown): WebSocketError | undefined {
  if (!WsappError.is(error)) return undefined;
  const code = safely(() => error.code);
  const message =
    typeof code === 'string' && Object.hasOwn(CLIENT_INPUT, code) ? CLIENT_INPUT[code] : undefined;
  return message === undefined ? undefined : new WebSocketError(400, message);
}

/** The status an error answers: its own for a {@link WebSocketError} (any copy), 400 for refused client input, else 500. */
export function errorStatus(error: unknown): number {
  if (isWebSocketError(error)) return error.statusCode;
  return clientInputError(error)?.statusCode ?? 500;
}
