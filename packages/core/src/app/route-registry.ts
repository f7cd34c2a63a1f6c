import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { DefaultAuthorizer, DefaultState, WebSocketContext } from '../context/web-socket-context.js';
import type { InferResponse } from '../correlation/route-contract.js';
import type { HandlerResult } from './handler-result.js';
import { type RouteDecorator, routeDecorator } from './route-decorator.js';
import {
  bumpGeneration,
  type Definitions,
  emptyDefinitions,
  type PendingDecorator,
  type RouteDefinition,
} from './route-definitions.js';
import { duplicateKey, includes, prefixProblem } from './route-keys.js';
import type {
  AppMiddleware,
  ConnectContext,
  ConnectOptions,
  ErrorClass,
  ErrorHandler,
  IncludeOptions,
  InferBody,
  RouteHandler,
  RouteOptions,
} from './types.js';
import type { WebSocketRouter } from './web-socket-router.js';

/**
 * A handler whose return type `R` is inferred, then checked with {@link HandlerResult}: returning
 * an object that holds a promise (or a function, a bigint) is a type error.
 */
export type CheckedHandler<TBody, TState extends object, TAuthorizer extends object, R> = (
  ctx: WebSocketContext<TBody, TState, TAuthorizer>,
) => R & HandlerResult<NoInfer<R>>;

/** What a route with a `response` type may answer: that type, or nothing (a route answering with `reply()`). */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler with a block body and no return is typed `void`
export type ReplyResult<T> = T | undefined | void;

type AnyOptions = RouteOptions<StandardSchemaV1 | undefined, object, object>;
type AnyHandler = (ctx: never) => unknown;

const CONNECT = '$connect';
const DISCONNECT = '$disconnect';
const DEFAULT = '$default';

let readDefinitions: (registry: RouteRegistry<object, object>) => Definitions;

/** What an app or a router holds; read by the app when it compiles its routes. */
export function definitionsOf(registry: RouteRegistry<object, object>): Definitions {
  return readDefinitions(registry);
}

/**
 * The registration half shared by {@link WebSocketApp} and {@link WebSocketRouter}: routes,
 * decorators, middleware, error handlers and included routers.
 *
 * @typeParam TState - the type of `ctx.state`, shared by middleware and handlers
 * @typeParam TAuthorizer - the type of `ctx.authorizer` (the Lambda authorizer's context)
 */
export abstract class RouteRegistry<
  TState extends object = DefaultState,
  TAuthorizer extends object = DefaultAuthorizer,
> {
  readonly #definitions: Definitions = emptyDefinitions();

  static {
    readDefinitions = (registry) => registry.#definitions;
  }

  /**
   * Registers the `$connect` handler: throw a {@link WebSocketError} (or any error) to reject.
   * Without a handler, returns a method decorator: `@app.onConnect() connect(ctx) { … }`.
   */
  onConnect<R>(handler: CheckedHandler<unknown, TState, TAuthorizer, R>): this;
  onConnect<
    R,
    TQuery extends StandardSchemaV1 | undefined = undefined,
    THeaders extends StandardSchemaV1 | undefined = undefined,
  >(
    options: ConnectOptions<TQuery, THeaders, TState, TAuthorizer>,
    handler: (ctx: ConnectContext<TQuery, THeaders, TState, TAuthorizer>) => R & HandlerResult<NoInfer<R>>,
  ): this;
  onConnect(
    options?: RouteOptions<undefined, TState, TAuthorizer>,
  ): RouteDecorator<unknown, TState, TAuthorizer>;
  onConnect(a?: unknown, b?: unknown): unknown {
    return this.#register(CONNECT, a, b);
  }

  /** Registers the `$disconnect` handler (its answer is ignored by API Gateway); without one, a decorator. */
  onDisconnect<R>(handler: CheckedHandler<unknown, TState, TAuthorizer, R>): this;
  onDisconnect<R>(
    options: RouteOptions<undefined, TState, TAuthorizer>,
    handler: CheckedHandler<unknown, TState, TAuthorizer, R>,
  ): this;
  onDisconnect(
    options?: RouteOptions<undefined, TState, TAuthorizer>,
  ): RouteDecorator<unknown, TState, TAuthorizer>;
  onDisconnect(a?: unknown, b?: unknown): unknown {
    return this.#register(DISCONNECT, a, b);
  }

  /** Registers the `$default` handler: messages no other route matched. Without one, a decorator. */
  onDefault<R>(handler: CheckedHandler<unknown, TState, TAuthorizer, R>): this;
  onDefault<TSchema extends StandardSchemaV1 | undefined, R>(
    options: RouteOptions<TSchema, TState, TAuthorizer>,
    handler: CheckedHandler<InferBody<TSchema>, TState, TAuthorizer, R>,
  ): this;
  onDefault<TSchema extends StandardSchemaV1 | undefined = undefined>(
    options?: RouteOptions<TSchema, TState, TAuthorizer>,
  ): RouteDecorator<InferBody<TSchema>, TState, TAuthorizer>;
  onDefault(a?: unknown, b?: unknown): unknown {
    return this.#register(DEFAULT, a, b);
  }

  /**
   * Registers a handler for a custom route key. With `options.body`, the JSON body is validated
   * and `ctx.body` typed by the schema's output. Without a handler, returns a TypeScript 5 method
   * decorator (`@app.route('subscribe') subscribe(ctx) { … }`, `this` bound to the instance).
   */
  route<R>(routeKey: string, handler: CheckedHandler<unknown, TState, TAuthorizer, R>): this;
  route<TSchema extends StandardSchemaV1 | undefined, TResponse extends StandardSchemaV1>(
    routeKey: string,
    options: RouteOptions<TSchema, TState, TAuthorizer, TResponse> & { response: TResponse },
    handler: (
      ctx: WebSocketContext<InferBody<TSchema>, TState, TAuthorizer>,
    ) => ReplyResult<InferResponse<TResponse>> | PromiseLike<ReplyResult<InferResponse<TResponse>>>,
  ): this;
  route<TSchema extends StandardSchemaV1 | undefined, R>(
    routeKey: string,
    // No `response` here: a route with a response type takes the overload above, which checks it.
    options: RouteOptions<TSchema, TState, TAuthorizer, undefined>,
    handler: CheckedHandler<InferBody<TSchema>, TState, TAuthorizer, R>,
  ): this;
  route<TSchema extends StandardSchemaV1 | undefined = undefined>(
    routeKey: string,
    options?: RouteOptions<TSchema, TState, TAuthorizer>,
  ): RouteDecorator<InferBody<TSchema>, TState, TAuthorizer>;
  route(routeKey: string, a?: unknown, b?: unknown): unknown {
    if (typeof routeKey !== 'string' || routeKey.length === 0) {
      throw new TypeError('route key must be a non-empty string');
    }
    return this.#register(routeKey, a, b);
  }

  /** Adds middleware around every route of this app or router, in registration order (onion model). */
  use(middleware: AppMiddleware<TState, TAuthorizer>): this {
    this.#definitions.middleware.push(middleware as AppMiddleware<object, object>);
    bumpGeneration();
    return this;
  }

  /**
   * Handles errors of the given classes (see {@link ErrorHandler} for what it may return).
   * Levels first: the route's own router's handlers, then each router around it, then the app's;
   * within a level by exact class, then `instanceof`, then `code` (so an error from a duplicated
   * bundle still matches), in registration order; the `onError` catch-alls come after all of them.
   */
  errorHandler<TClass extends ErrorClass>(
    classes: TClass | readonly TClass[],
    handler: ErrorHandler<TState, TAuthorizer, InstanceType<TClass>>,
  ): this {
    const list = (Array.isArray(classes) ? classes : [classes]) as readonly ErrorClass[];
    if (list.length === 0 || list.some((c) => typeof c !== 'function')) {
      throw new TypeError('errorHandler() needs one or more error classes');
    }
    this.#definitions.errorHandlers.push({
      classes: list,
      handler: handler as ErrorHandler<object, object, never>,
    });
    bumpGeneration();
    return this;
  }

  /** The catch-all error handler, tried after every `errorHandler()` (see {@link ErrorHandler}). */
  onError(handler: ErrorHandler<TState, TAuthorizer>): this {
    this.#definitions.catchAll = handler as ErrorHandler<object, object>;
    bumpGeneration();
    return this;
  }

  /**
   * Adds a router's routes (with `prefix` before its custom route keys). The router's middleware
   * and error handlers apply to its own routes only; what is registered on it later is included too.
   *
   * Throws `TypeError`, and includes nothing, when `prefix` starts with `$` (it would make keys
   * only API Gateway may use: `connect` → `$connect`), when a key the router brings is already
   * registered on this app or router or on another router it includes (`$connect`, `$disconnect`
   * and `$default` included), or when the router includes this one. A route registered later that
   * would clash throws the same way, wherever it is registered.
   */
  include(router: WebSocketRouter<TState, TAuthorizer>, options: IncludeOptions = {}): this {
    // Read once: a getter answering differently on each read must not pass the check with one
    // value and be registered with another.
    const { prefix } = options;
    const definitions = readDefinitions(router as RouteRegistry<object, object>);
    if (definitions === this.#definitions || includes(definitions, this.#definitions)) {
      throw new TypeError('a router cannot include itself, directly or through another router');
    }
    if (prefix !== undefined && typeof prefix !== 'string') {
      throw new TypeError('include() prefix must be a string');
    }
    const problem = prefix === undefined ? undefined : prefixProblem(prefix);
    if (problem !== undefined) throw new TypeError(problem);
    const entry = { definitions, options: prefix === undefined ? {} : { prefix } };
    this.#definitions.included.push(entry);
    definitions.includedBy.push(this.#definitions);
    const clash = duplicateKey(this.#definitions);
    if (clash !== undefined) {
      this.#definitions.included.pop();
      definitions.includedBy.pop();
      throw new TypeError(
        `include(): the route ${clash} would be registered twice (on the app and a router, or on two routers)`,
      );
    }
    bumpGeneration();
    return this;
  }

  /** A handler registers now; options alone (or nothing) answer a decorator that registers later. */
  #register(key: string, a: unknown, b: unknown): unknown {
    if (typeof a === 'function') return this.#add(key, {}, a as AnyHandler, undefined);
    if (a !== undefined && (typeof a !== 'object' || a === null)) {
      throw new TypeError(`handler for ${key} must be a function`);
    }
    if (b !== undefined) return this.#add(key, (a ?? {}) as AnyOptions, b as AnyHandler, undefined);
    const options = (a ?? {}) as AnyOptions;
    const pending: PendingDecorator = { key, applied: false, registered: false };
    this.#definitions.decorators.push(pending);
    return routeDecorator<never, object, object>(
      () => {
        pending.applied = true;
      },
      (handler) => {
        this.#add(key, options, handler as AnyHandler, pending);
        pending.registered = true;
      },
    );
  }

  #add(key: string, options: AnyOptions, handler: AnyHandler, source: PendingDecorator | undefined): this {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`options for ${key} must be an object`);
    }
    if (typeof handler !== 'function') throw new TypeError(`handler for ${key} must be a function`);
    // $connect's answer always matters and $disconnect's never does: neither can be declared.
    if (options.twoWay !== undefined && (key === CONNECT || key === DISCONNECT)) {
      throw new TypeError(`twoWay is for message routes, not ${key}`);
    }
    const existing = this.#definitions.routes.get(key) as
      | (RouteDefinition & { source?: unknown })
      | undefined;
    // A decorated class instantiated again re-registers its own route: the latest instance answers.
    if (existing !== undefined && (source === undefined || existing.source !== source)) {
      throw new TypeError(`a handler for ${key} is already registered`);
    }
    const route: RouteDefinition & { source?: unknown } = {
      key,
      handler: handler as RouteHandler as AnyHandler,
      schema: options.body,
      query: (options as ConnectOptions<StandardSchemaV1 | undefined, StandardSchemaV1 | undefined>).query,
      headers: (options as ConnectOptions<StandardSchemaV1 | undefined, StandardSchemaV1 | undefined>)
        .headers,
      middleware: (options.middleware ?? []) as AppMiddleware<object, object>[],
      twoWay: options.twoWay === true,
      source,
    };
    this.#definitions.routes.set(key, route);
    // A new key may clash with a key of the app or router including this one (or of its routers).
    const clash = existing === undefined ? duplicateKey(this.#definitions) : undefined;
    if (clash !== undefined) {
      this.#definitions.routes.delete(key);
      throw new TypeError(`a handler for ${clash} is already registered on the app or a router it includes`);
    }
    bumpGeneration();
    return this;
  }
}
