import type { WsappErrorCode } from './error-codes.js';

/**
 * Base class of every error wsapp throws, so callers can catch the library's errors in one place.
 * `code` is stable and machine-readable (one subclass per code, see {@link WsappErrorCode});
 * `message` is for humans.
 */
export class WsappError extends Error {
  /** Stable identifier of the error kind, e.g. `ConnectionNotFound`. */
  readonly code: WsappErrorCode | (string & {});

  constructor(code: WsappErrorCode | (string & {}), message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
