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
  /**
   * The code of this class's errors, on every subclass as its own static property (e.g.
   * `ConnectionNotFoundError.code === 'ConnectionNotFound'`); `undefined` here, since `WsappError`
   * itself is the class of every wsapp error. Error handlers match an error of another copy of the
   * library by it (`errorHandler(ConnectionNotFoundError, …)`), never by a class's name, which a
   * minifier changes. A subclass of your own declares one to be matched that way too.
   */
  static readonly code: WsappErrorCode | (string & {}) | undefined = undefined;

  /** Stable identifier of the error kind, e.g. `ConnectionNotFound`: its class's static `code`. */
  readonly code: WsappErrorCode | (string & {});

  static {
    // On the prototype, not per instance: every subclass of every copy carries it, invisible to JSON.
    Object.defineProperty(WsappError.prototype, BRAND, { value: true });
  }

  constructor(code: WsappErrorCode | (string & {}), message: string, options?: { cause?: unknown }) {
    super(message, options);
    // For people reading logs only: a minifier renames classes, so nothing matches on it.
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
    return isBranded(value) && (code === undefined || safeCode(value) === code);
  }
}

/** Whether `value` is a wsapp error of any copy (this copy's class, or the brand every copy shares). */
function isBranded(value: unknown): boolean {
  try {
    if (typeof value !== 'object' || value === null) return false;
    return value instanceof WsappError || (value as { [BRAND]?: unknown })[BRAND] === true;
  } catch {
    return false; // a revoked Proxy, a throwing getter
  }
}

function safeCode(value: unknown): unknown {
  try {
    return (value as { code?: unknown }).code;
  } catch {
    return undefined;
  }
}

/**
 * How a handler registered for `errorClass` matches a wsapp error of any copy of the library:
 * `{ code }` for a class declaring its own static `code` (a subclass inheriting one declares
 * nothing, so it never takes its parent's errors), `'any'` for `WsappError` itself of any copy
 * (the root of the brand: it takes every wsapp error), else `undefined`: such a class matches by
 * class and `instanceof` only. Never reads a class's name. Never throws.
 */
export function wsappMatch(errorClass: unknown): { code: string } | 'any' | undefined {
  try {
    if (typeof errorClass !== 'function') return undefined;
    if (Object.hasOwn(errorClass, 'code')) {
      const code = (errorClass as { code?: unknown }).code;
      if (typeof code === 'string') return { code };
    }
    const proto: unknown = errorClass.prototype;
    if (typeof proto !== 'object' || proto === null || !isBrandedPrototype(proto)) return undefined;
    return isBrandedPrototype(Object.getPrototypeOf(proto)) ? undefined : 'any';
  } catch {
    return undefined;
  }
}

function isBrandedPrototype(proto: unknown): boolean {
  return typeof proto === 'object' && proto !== null && (proto as { [BRAND]?: unknown })[BRAND] === true;
}
