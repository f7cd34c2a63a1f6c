import { WsappError } from './wsapp-error.js';

/** Options of {@link WebSocketError}. */
export interface WebSocketErrorOptions {
  /**
   * Whether `message` (and `details`) may be sent to the client.
   * Defaults to `true` for 4xx statuses and `false` for 5xx, so server faults never leak.
   */
  expose?: boolean;
  /** Extra JSON-serialisable data sent with the message when exposed (e.g. validation issues). */
  details?: Record<string, unknown>;
  /** The underlying error, kept for logs only. */
  cause?: unknown;
}

/**
 * An error with an HTTP-style status, thrown from handlers or middleware to answer the client.
 * On `$connect`, any non-2xx status rejects the connection with that status.
 *
 * @example
 * ```ts
 * if (!user) throw new WebSocketError(401, 'unauthorized');
 * ```
 */
export class WebSocketError extends WsappError {
  /** This class's {@link WsappError.code}: what error handlers match its errors by, from any copy of the library. */
  static override readonly code = 'WebSocketError';
  /** HTTP status code of the response (400–599). */
  readonly statusCode: number;
  /** Whether the message is sent to the client (see {@link WebSocketErrorOptions.expose}). */
  readonly expose: boolean;
  /** Extra data sent with the message when exposed. */
  readonly details: Record<string, unknown> | undefined;

  constructor(statusCode: number, message: string, options: WebSocketErrorOptions = {}) {
    super(WebSocketError.code, message, options.cause === undefined ? undefined : { cause: options.cause });
    if (!Number.isInteger(statusCode) || statusCode < 400 || statusCode > 599) {
      throw new RangeError(`WebSocketError status must be an integer from 400 to 599, got ${statusCode}`);
    }
    this.statusCode = statusCode;
    this.expose = options.expose ?? statusCode < 500;
    this.details = options.details;
  }
}
