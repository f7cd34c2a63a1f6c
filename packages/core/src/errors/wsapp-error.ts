/**
 * Base class of every error wsapp throws, so callers can catch the library's errors in one place.
 * `code` is stable and machine-readable; `message` is for humans.
 */
export class WsappError extends Error {
  /** Stable identifier of the error kind, e.g. `ConnectionNotFound`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
