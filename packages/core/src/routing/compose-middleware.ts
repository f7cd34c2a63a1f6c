import { WsappError } from '../errors/wsapp-error.js';

/** Continues with the next middleware (or the handler) and resolves to its result. */
export type Next = () => Promise<unknown>;

/**
 * Onion-style middleware: code before `await next()` runs on the way in, code after on the way
 * out. Returning without calling `next()` short-circuits; returning another value replaces the result.
 */
export type Middleware<TContext> = (ctx: TContext, next: Next) => unknown;

/** Chains middleware around a handler into one function. */
export function composeMiddleware<TContext>(
  middleware: readonly Middleware<TContext>[],
  handler: (ctx: TContext) => unknown,
): (ctx: TContext) => Promise<unknown> {
  if (middleware.length === 0) return async (ctx) => handler(ctx);
  return (ctx) => {
    let last = -1;
    const dispatch = async (index: number): Promise<unknown> => {
      if (index <= last)
        throw new WsappError('NextCalledTwice', 'next() called more than once in a middleware');
      last = index;
      const fn = middleware[index];
      if (fn === undefined) return handler(ctx);
      return fn(ctx, () => dispatch(index + 1));
    };
    return dispatch(0);
  };
}
