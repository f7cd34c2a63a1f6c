// biome-ignore lint/suspicious/noConfusingVoidType: a handler that returns nothing returns `void`
type Scalar = string | number | boolean | null | undefined | void;

/**
 * What a route handler may return, checked per handler: strings, numbers, booleans, `null`,
 * `undefined` (or nothing), arrays and objects of those, values with `toJSON()` (e.g. `Date`), or a
 * promise of one. A value JSON cannot carry — a promise inside an object (which would answer `{}`),
 * a function, a `bigint`, a `symbol` — makes the handler a type error. Handlers typed as returning
 * `unknown` are not checked.
 *
 * @typeParam T - the handler's own return type
 */
export type JsonResult<T> = unknown extends T
  ? T
  : T extends Scalar
    ? T
    : T extends PromiseLike<unknown> | ((...args: never) => unknown) | bigint | symbol
      ? never
      : T extends SelfSerialising
        ? T
        : { [K in keyof T]: JsonResult<T[K]> };

/**
 * A handler's return type `R` as accepted: `R` itself when it is a {@link JsonResult}, or a
 * promise of one. Used as `(ctx) => R & HandlerResult<NoInfer<R>>`, so `R` is inferred from the
 * handler and then checked.
 */
export type HandlerResult<R> = R extends PromiseLike<infer U> ? PromiseLike<JsonResult<U>> : JsonResult<R>;

/** A value that serialises itself (e.g. `Date`): a handler may return it as is. */
export interface SelfSerialising {
  /** What `JSON.stringify` writes instead of the value. */
  toJSON(): unknown;
}
