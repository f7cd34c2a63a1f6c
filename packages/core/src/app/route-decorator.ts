import type { DefaultAuthorizer, DefaultState, WebSocketContext } from '../context/web-socket-context.js';

/** A handler method as a class declares it: `this` is the instance. */
export type HandlerMethod<
  This,
  TBody,
  TState extends object,
  TAuthorizer extends object = DefaultAuthorizer,
> = (this: This, ctx: WebSocketContext<TBody, TState, TAuthorizer>) => unknown;

/**
 * A TypeScript 5 (standard, TC39) method decorator returned by `route(key)`, `onConnect()`,
 * `onDisconnect()` and `onDefault()` without a handler: it registers the method when the class is
 * instantiated, with `this` bound to that instance. A class may be instantiated more than once:
 * the route then calls the latest instance. A decorator created but never applied is reported by
 * the app's first `resolve()`.
 */
export type RouteDecorator<
  TBody = unknown,
  TState extends object = DefaultState,
  TAuthorizer extends object = DefaultAuthorizer,
> = <This>(
  method: HandlerMethod<This, TBody, TState, TAuthorizer>,
  context: ClassMethodDecoratorContext<This, HandlerMethod<This, TBody, TState, TAuthorizer>>,
) => void;

/**
 * Builds a decorator: `onApply` runs when it is applied to a method, `register` with the method
 * bound to each instance being initialised.
 */
export function routeDecorator<TBody, TState extends object, TAuthorizer extends object>(
  onApply: () => void,
  register: (handler: (ctx: WebSocketContext<TBody, TState, TAuthorizer>) => unknown) => void,
): RouteDecorator<TBody, TState, TAuthorizer> {
  return (method, context) => {
    if (context.kind !== 'method') throw new TypeError('wsapp route decorators apply to methods only');
    onApply();
    context.addInitializer(function (this: unknown) {
      register(method.bind(this as never));
    });
  };
}
