import type { DefaultState, WebSocketContext } from '../context/web-socket-context.js';

/** A handler method as a class declares it: `this` is the instance. */
export type HandlerMethod<This, TBody, TState extends object> = (
  this: This,
  ctx: WebSocketContext<TBody, TState>,
) => unknown;

/**
 * A TypeScript 5 (standard, TC39) method decorator returned by `app.route(key)`,
 * `app.onConnect()`, `app.onDisconnect()` and `app.onDefault()`: it registers the method when the
 * class is instantiated, with `this` bound to that instance (instantiate such a class once).
 */
export type RouteDecorator<TBody = unknown, TState extends object = DefaultState> = <This>(
  method: HandlerMethod<This, TBody, TState>,
  context: ClassMethodDecoratorContext<This, HandlerMethod<This, TBody, TState>>,
) => void;

/** Builds a decorator that calls `register` with the method bound to the instance being initialised. */
export function routeDecorator<TBody, TState extends object>(
  register: (handler: (ctx: WebSocketContext<TBody, TState>) => unknown) => void,
): RouteDecorator<TBody, TState> {
  return (method, context) => {
    if (context.kind !== 'method') throw new TypeError('wsapp route decorators apply to methods only');
    context.addInitializer(function (this: unknown) {
      register(method.bind(this as never));
    });
  };
}
