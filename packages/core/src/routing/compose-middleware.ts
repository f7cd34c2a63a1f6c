import { NextCalledTwiceError } from '../errors/app-errors.js';

/** Continues with the next middleware (or the handler) and resolves to its result. */
export type Next = () => Promise<unknown>;

/**
 * Onion-style middleware: code before `await next()` runs on the way in, code after on the way
 * out. Returning without calling `next()` short-circuits; returning another value replaces the result.
 */
export type Middleware<TContext> = (ctx: TContext, next: Next) => unknown;

/**
 * Chains middleware around a handler into one function. Without middleware the handler itself is
 * returned (its result may be a plain value or a promise, and it may throw). With middleware the
 * chain answers a promise; each step is a plain function (no `async` wrapper per step: this runs
 * on every event), and a synchronous throw becomes a rejection.
 */
export function composeMiddleware<TContext>(
  middleware: readonly Middleware<TContext>[],
  handler: (ctx: TContext) => unknown,
): (ctx: TContext) => unknown {
  if (middleware.length === 0) return handler;
  return (ctx) => {
    let last = -1;
    const dispatch = (index: number): Promise<unknown> => {
      if (index <= last) {
        return Promise.reject(new NextCalledTwiceError());
      }
      last = index;
      const fn = middleware[index];
      try {
        const out = fn === undefined ? handler(ctx) : fn(ctx, () => dispatch(index + 1));
        return out instanceof Promise ? out : Promise.resolve(out);
      } catch (error) {
        return Promise.reject(error);
      }
    };
    return dispatch(0);
  };
}
