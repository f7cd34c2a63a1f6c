import type { WsappErrorCode } from './error-codes.js';

/**
 * Marks every wsapp error, whichever copy of the library made it: a registered symbol is the same
 * in every copy loaded into one process (two bundles, ESM and CommonJS), where classes are not.
 */
const BRAND: unique symbol = Symbol.for('@wsapp/core.WsappError') as never;

/**
 * Base class of every error wsapp throws, so callers can catch the library's errors in one place.
 * `code` is stable and machine-readable (one subclass per code, see {@link WsappErrorCode});
 * `message` is for humans.
 */
export class WsappError extends Error {
  /** Stable identifier of the error kind, e.g. `ConnectionNotFound`. */
  readonly code: WsappErrorCode | (string & {});

  static {
    // On the prototype, not per instance: every subclass of every copy carries it, invisible to JSON.
    Object.defineProperty(WsappError.prototype, BRAND, { value: true });
  }

  constructor(code: WsappErrorCode | (string & {}), message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }

  /**
   * Whether `value` is a wsapp error (of `code`, when given) from **any** copy of `@wsapp/core`
   * loaded in the process. `instanceof` only recognises this copy's classes: an app bundled with a
   * second copy (a library that brought its own, ESM next to CommonJS) gets errors it would not
   * recognise. wsapp recognises its own errors with this everywhere. Never throws (a revoked Proxy
   * answers `false`).
   *
   * @example
   * ```ts
   * if (WsappError.is(error, 'ConnectionNotFound')) return 'gone';
   * ```
   */
  static is(value: unknown, code?: WsappErrorCode | (string & {})): value is WsappError {
    try {
      if (typeof value !== 'object' || value === null) return false;
      if (!(value instanceof WsappError) && (value as { [BRAND]?: unknown })[BRAND] !== true) return false;
      return code === undefined || (value as { code?: unknown }).code === code;
    } catch {
      return false; // a revoked Proxy, a throwing getter
    }
  }
}
