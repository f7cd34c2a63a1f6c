import type { StandardSchemaV1 } from '@standard-schema/spec';
import { type AppServices, RequestContext } from '../context/request-context.js';
import type { DefaultState, WebSocketContext } from '../context/web-socket-context.js';
import { correlateResponse } from '../correlation/correlate-response.js';
import type { InferResponse } from '../correlation/route-contract.js';
import { WebSocketError } from '../errors/web-socket-error.js';
import { checkEvent } from '../events/check-event.js';
import type { LambdaContext, WebSocketEvent, WebSocketResponse } from '../events/event-types.js';
import { readBody } from '../events/read-body.js';
import type { Logger } from '../logging/logger.js';
import { endpointFromEvent, isCustomDomain } from '../messaging/endpoint-from-event.js';
import { Messenger } from '../messaging/messenger.js';
import type { BroadcastOptions, BroadcastReport, BroadcastTarget } from '../messaging/messenger-types.js';
import type { MessageData } from '../messaging/payload.js';
import { type MetricsSink, recordMetric } from '../metrics/metrics-sink.js';
import { composeMiddleware } from '../routing/compose-middleware.js';
import { compileRouteSelection, type RouteSelector } from '../routing/route-selection.js';
import { errorResponse, toResponse } from '../routing/to-response.js';
import type { ConnectionStore } from '../store/connection-store.js';
import { InvalidChannelError, InvalidDataError, TooManyChannelsError } from '../store/store-errors.js';
import { validateBody } from '../validation/validate-body.js';
import { type RouteDecorator, routeDecorator } from './route-decorator.js';
import type {
  AppMiddleware,
  ErrorHandler,
  InferBody,
  RouteHandler,
  RouteOptions,
  WebSocketAppOptions,
} from './types.js';

type AnyContext = RequestContext<unknown, object>;

/** What the registration methods accept: a handler, options and a handler, or options alone (decorator). */
type RegisterArgs<TState extends object> = [
  (RouteOptions<StandardSchemaV1 | undefined, TState> | RouteHandler<never, TState>)?,
  RouteHandler<never, TState>?,
];

interface Route {
  readonly key: string;
  readonly handler: RouteHandler<unknown, object>;
  readonly schema: StandardSchemaV1 | undefined;
  readonly middleware: readonly AppMiddleware<object>[];
  /**
   * Middleware + validation + handler, built on first use and dropped when middleware changes.
   * Answers the result or a promise of it, and may throw synchronously.
   */
  run: ((ctx: AnyContext) => unknown) | undefined;
}

const CONNECT = '$connect';
const DISCONNECT = '$disconnect';
const DEFAULT = '$default';

/**
 * Routes API Gateway WebSocket events to handlers.
 *
 * @example
 * ```ts
 * const app = new WebSocketApp();
 * app.onConnect((ctx) => { if (!ctx.authorizer) throw new WebSocketError(401, 'unauthorized'); });
 * app.route('ping', () => ({ pong: true }));
 * export const handler = app.handler();
 * ```
 *
 * @typeParam TState - the type of `ctx.state`, shared by middleware and handlers
 */
export class WebSocketApp<TState extends object = DefaultState> {
  readonly #routes = new Map<string, Route>();
  readonly #middleware: AppMiddleware<object>[] = [];
  readonly #selector: RouteSelector | undefined;
  readonly #logger: Logger;
  readonly #services: AppServices;
  readonly #endpoint: string | undefined;
  readonly #messagingOptions: WebSocketAppOptions['messaging'];
  readonly #metrics: MetricsSink | undefined;
  #messenger: Messenger | undefined;
  #warnedCustomDomain = false;
  #errorHandler: ErrorHandler<object> | undefined;
  #warnedNoConnect = false;

  constructor(options: WebSocketAppOptions = {}) {
    this.#selector =
      options.routeSelection === undefined ? undefined : compileRouteSelection(options.routeSelection);
    this.#logger = options.logger ?? console;
    this.#services = {
      store: options.store,
      tracking: options.store !== undefined && options.autoTrack !== false,
      messenger: () => this.messenger,
      endpointFor: (event) => this.#endpointFor(event),
      authorizeJoin: options.authorizeJoin,
    };
    this.#endpoint = options.endpoint;
    this.#messagingOptions = options.messaging;
    this.#metrics = options.metrics;
  }

  /** The {@link Messenger} behind `ctx.send`, `ctx.broadcast` and `app.broadcast`, created on first use. */
  get messenger(): Messenger {
    this.#messenger ??= new Messenger({
      ...this.#messagingOptions,
      ...(this.#services.store === undefined ? {} : { store: this.#services.store }),
      ...(this.#endpoint === undefined ? {} : { endpoint: this.#endpoint }),
      logger: this.#logger,
      ...(this.#metrics === undefined ? {} : { metrics: this.#metrics }),
    });
    return this.#messenger;
  }

  /**
   * Broadcasts from anywhere (an SQS or EventBridge handler, a schedule): to every member of the
   * channels, each connection once. See `Messenger.broadcast` for the report and the cursor.
   */
  broadcast(
    target: BroadcastTarget,
    data: MessageData,
    options?: BroadcastOptions,
  ): Promise<BroadcastReport> {
    return this.messenger.broadcast(target, data, options);
  }

  /** The store given in the options, if any. */
  get store(): ConnectionStore | undefined {
    return this.#services.store;
  }

  /**
   * Registers the `$connect` handler: throw a {@link WebSocketError} (or any error) to reject.
   * Without a handler, returns a method decorator: `@app.onConnect() connect(ctx) { … }`.
   */
  onConnect(handler: RouteHandler<unknown, TState>): this;
  onConnect(options: RouteOptions<undefined, TState>, handler: RouteHandler<unknown, TState>): this;
  onConnect(options?: RouteOptions<undefined, TState>): RouteDecorator<unknown, TState>;
  onConnect(...args: RegisterArgs<TState>): unknown {
    return this.#register(CONNECT, args);
  }

  /**
   * Registers the `$disconnect` handler. Its answer is ignored by API Gateway.
   * Without a handler, returns a method decorator.
   */
  onDisconnect(handler: RouteHandler<unknown, TState>): this;
  onDisconnect(options: RouteOptions<undefined, TState>, handler: RouteHandler<unknown, TState>): this;
  onDisconnect(options?: RouteOptions<undefined, TState>): RouteDecorator<unknown, TState>;
  onDisconnect(...args: RegisterArgs<TState>): unknown {
    return this.#register(DISCONNECT, args);
  }

  /**
   * Registers the `$default` handler: messages no other route matched.
   * Without a handler, returns a method decorator.
   */
  onDefault(handler: RouteHandler<unknown, TState>): this;
  onDefault<TSchema extends StandardSchemaV1 | undefined>(
    options: RouteOptions<TSchema, TState>,
    handler: RouteHandler<InferBody<TSchema>, TState>,
  ): this;
  onDefault<TSchema extends StandardSchemaV1 | undefined = undefined>(
    options?: RouteOptions<TSchema, TState>,
  ): RouteDecorator<InferBody<TSchema>, TState>;
  onDefault(...args: RegisterArgs<TState>): unknown {
    return this.#register(DEFAULT, args);
  }

  /**
   * Registers a handler for a custom route key. With `options.body`, the JSON body is validated
   * and `ctx.body` typed by the schema's output. Without a handler, returns a TypeScript 5 method
   * decorator (`@app.route('subscribe') subscribe(ctx) { … }`, `this` bound to the instance).
   */
  route(routeKey: string, handler: RouteHandler<unknown, TState>): this;
  route<
    TSchema extends StandardSchemaV1 | undefined,
    TResponse extends StandardSchemaV1 | undefined = undefined,
  >(
    routeKey: string,
    options: RouteOptions<TSchema, TState, TResponse>,
    handler: RouteHandler<InferBody<TSchema>, TState, InferResponse<TResponse>>,
  ): this;
  route<TSchema extends StandardSchemaV1 | undefined = undefined>(
    routeKey: string,
    options?: RouteOptions<TSchema, TState>,
  ): RouteDecorator<InferBody<TSchema>, TState>;
  route(routeKey: string, ...args: RegisterArgs<TState>): unknown {
    if (typeof routeKey !== 'string' || routeKey.length === 0) {
      throw new TypeError('route key must be a non-empty string');
    }
    return this.#register(routeKey, args);
  }

  /** Adds middleware that runs around every route, in registration order (onion model). */
  use(middleware: AppMiddleware<TState>): this {
    this.#middleware.push(middleware as AppMiddleware<object>);
    for (const route of this.#routes.values()) route.run = undefined;
    return this;
  }

  /** Maps errors thrown by handlers and middleware to answers (see {@link ErrorHandler}). */
  onError(handler: ErrorHandler<TState>): this {
    this.#errorHandler = handler as ErrorHandler<object>;
    return this;
  }

  /** The route keys this app handles, including `$connect`, `$disconnect` and `$default`. */
  get routeKeys(): string[] {
    return [...this.#routes.keys()];
  }

  /** The Lambda handler function: `export const handler = app.handler();`. */
  handler(): (event: WebSocketEvent, context?: LambdaContext) => Promise<WebSocketResponse> {
    return (event, context) => this.resolve(event, context);
  }

  /**
   * Dispatches one event and returns the integration response. Never rejects: malformed events,
   * validation failures and handler errors all become responses with a 4xx/5xx status.
   */
  resolve(event: WebSocketEvent, lambdaContext?: LambdaContext): Promise<WebSocketResponse> {
    // Not `async`: returning #dispatch's promise from an async function would wrap it in another
    // promise and cost extra ticks on every event. #dispatch is async and never rejects.
    if (this.#metrics === undefined) return this.#dispatch(event, lambdaContext);
    return this.#measured(event, lambdaContext);
  }

  async #measured(
    event: WebSocketEvent,
    lambdaContext: LambdaContext | undefined,
  ): Promise<WebSocketResponse> {
    const started = performance.now();
    const response = await this.#dispatch(event, lambdaContext);
    recordMetric(this.#metrics, this.#logger, 'RouteLatency', 'Milliseconds', performance.now() - started);
    return response;
  }

  async #dispatch(
    event: WebSocketEvent,
    lambdaContext: LambdaContext | undefined,
  ): Promise<WebSocketResponse> {
    const problem = checkEvent(event);
    if (problem !== undefined) {
      this.#logger.warn('wsapp: malformed event', { problem });
      return errorResponse(new WebSocketError(400, 'Malformed event'));
    }
    this.#warnIfNoConnectRoute();
    let ctx: AnyContext | undefined;
    let response: WebSocketResponse;
    try {
      const rawBody = readBody(event);
      const routeKey = event.requestContext.routeKey;
      ctx = new RequestContext<unknown, object>(event, lambdaContext, routeKey, rawBody, this.#services);
      const route = this.#select(routeKey, ctx);
      if (route === undefined) {
        response = this.#noRoute(ctx);
      } else {
        if (route.key !== routeKey) {
          // Selected in-Lambda: the new context keeps the body already parsed for selection.
          const selected = new RequestContext(event, lambdaContext, route.key, rawBody, this.#services);
          selected.setBody(ctx.parsedBody());
          ctx = selected;
        }
        route.run ??= this.#build(route);
        const out = route.run(ctx);
        // Await only when there is something to wait for: a sync handler without middleware costs no tick.
        response = toResponse(isThenable(out) ? await out : out, subprotocolHeader(ctx));
      }
    } catch (error) {
      response = await this.#handleError(error, ctx);
    }
    // A request id in the body turns the answer into a reply envelope (see correlateResponse).
    if (ctx !== undefined && ctx.eventType === 'MESSAGE') response = correlateResponse(ctx, response);
    if (ctx !== undefined && this.#services.tracking) return this.#track(ctx, response);
    return response;
  }

  /**
   * Automatic tracking: an accepted `$connect` is registered with what its handler joined (one
   * write; if it fails the connection is rejected, never accepted unrecorded); `$disconnect`
   * unregisters after its handler ran, whatever the handler did.
   */
  async #track(ctx: AnyContext, response: WebSocketResponse): Promise<WebSocketResponse> {
    const store = this.#services.store as ConnectionStore;
    const meta = { connectionId: ctx.connectionId, routeKey: ctx.routeKey, requestId: ctx.requestId };
    if (ctx.pending !== undefined && response.statusCode >= 200 && response.statusCode < 300) {
      try {
        const endpoint = this.#endpoint ?? endpointFromEvent(ctx.event);
        await store.register(ctx.connectionId, {
          channels: [...ctx.pending.channels],
          data: ctx.pending.data,
          ...(endpoint === undefined ? {} : { endpoint }),
        });
      } catch (error) {
        this.#logger.error('wsapp: could not record the connection; rejecting it', { ...meta, error });
        return errorResponse(new WebSocketError(500, 'Internal server error'), ctx.requestId);
      }
    } else if (ctx.eventType === 'DISCONNECT') {
      try {
        await store.unregister(ctx.connectionId);
      } catch (error) {
        this.#logger.error('wsapp: could not remove the connection from the store', { ...meta, error });
        return errorResponse(new WebSocketError(500, 'Internal server error'), ctx.requestId);
      }
    }
    return response;
  }

  /** A handler registers now; options alone (or nothing) answer a decorator that registers later. */
  #register(key: string, args: RegisterArgs<TState>): this | RouteDecorator<never, TState> {
    const [a, b] = args;
    const decorating = args.length === 0 || (args.length === 1 && (a === undefined || isOptions(a)));
    if (!decorating) return this.#add(key, a as RouteHandler<unknown, TState>, b);
    const options = (a ?? {}) as RouteOptions<StandardSchemaV1 | undefined, TState>;
    return routeDecorator<never, TState>((handler) => {
      this.#add(key, options, handler as RouteHandler<never, TState>);
    });
  }

  #add(
    key: string,
    a: RouteOptions<StandardSchemaV1 | undefined, TState> | RouteHandler<unknown, TState>,
    b: RouteHandler<never, TState> | undefined,
  ): this {
    const [options, handler] = typeof a === 'function' ? [{}, a] : [a, b];
    if (typeof handler !== 'function') throw new TypeError(`handler for ${key} must be a function`);
    if (this.#routes.has(key)) throw new TypeError(`a handler for ${key} is already registered`);
    this.#routes.set(key, {
      key,
      handler: handler as RouteHandler<unknown, object>,
      schema: options.body,
      middleware: (options.middleware ?? []) as AppMiddleware<object>[],
      run: undefined,
    });
    return this;
  }

  #select(routeKey: string, ctx: AnyContext): Route | undefined {
    const direct = this.#routes.get(routeKey);
    if (routeKey !== DEFAULT || this.#selector === undefined) return direct;
    const selected = this.#selector(ctx.parsedBody());
    const route = selected === undefined ? undefined : this.#routes.get(selected);
    // $connect/$disconnect are never selectable from a message body.
    if (route !== undefined && route.key !== CONNECT && route.key !== DISCONNECT) return route;
    return direct;
  }

  #build(route: Route): (ctx: AnyContext) => unknown {
    const { schema, handler } = route;
    // Synchronous schemas (zod, valibot, …) validate without a promise; async ones are awaited.
    const inner = schema
      ? (ctx: AnyContext) => {
          const body = validateBody(schema, ctx.parsedBody());
          if (body instanceof Promise) {
            return body.then((value) => {
              ctx.setBody(value);
              return handler(ctx);
            });
          }
          ctx.setBody(body);
          return handler(ctx);
        }
      : handler;
    return composeMiddleware<WebSocketContext<unknown, object>>(
      [...this.#middleware, ...route.middleware],
      inner as (ctx: WebSocketContext<unknown, object>) => unknown,
    ) as (ctx: AnyContext) => unknown;
  }

  #noRoute(ctx: AnyContext): WebSocketResponse {
    // No handler for $connect accepts (the warning was logged); $disconnect answers are ignored.
    if (ctx.routeKey === CONNECT || ctx.routeKey === DISCONNECT) return { statusCode: 200 };
    this.#logger.warn('wsapp: no route for message and no $default handler', {
      routeKey: ctx.routeKey,
      connectionId: ctx.connectionId,
      requestId: ctx.requestId,
    });
    return errorResponse(new WebSocketError(404, 'No route for this message'), ctx.requestId);
  }

  async #handleError(error: unknown, ctx: AnyContext | undefined): Promise<WebSocketResponse> {
    let failure = error;
    if (this.#errorHandler !== undefined) {
      try {
        const mapped = await this.#errorHandler(error, ctx);
        if (mapped instanceof WebSocketError) failure = mapped;
        else if (mapped !== undefined) return toResponse(mapped, ctx && subprotocolHeader(ctx));
      } catch (thrown) {
        failure = thrown;
      }
    }
    const meta = ctx && { connectionId: ctx.connectionId, routeKey: ctx.routeKey, requestId: ctx.requestId };
    // A channel name or data the store refuses is bad input (often client-chosen), not a fault:
    // 400, and nothing of the client's input in the error log.
    if (failure instanceof InvalidChannelError) failure = new WebSocketError(400, 'Invalid channel name');
    else if (failure instanceof TooManyChannelsError) failure = new WebSocketError(400, 'Too many channels');
    else if (failure instanceof InvalidDataError)
      failure = new WebSocketError(400, 'Invalid connection data');
    if (failure instanceof WebSocketError) {
      if (failure.statusCode >= 500) this.#logger.error('wsapp: request failed', { ...meta, error: failure });
      return errorResponse(failure, ctx?.requestId);
    }
    this.#logger.error('wsapp: unhandled error in handler', { ...meta, error: failure });
    return errorResponse(new WebSocketError(500, 'Internal server error'), ctx?.requestId);
  }

  /** Endpoint option > event's own endpoint; custom domains without the option warn once and use records. */
  #endpointFor(event: WebSocketEvent): string | undefined {
    if (this.#endpoint !== undefined) return this.#endpoint;
    const derived = endpointFromEvent(event);
    if (derived === undefined && !this.#warnedCustomDomain && isCustomDomain(event)) {
      this.#warnedCustomDomain = true;
      this.#logger.warn(
        `wsapp: requests arrive through the custom domain ${event.requestContext.domainName}; its API mapping ` +
          'may differ from the stage, so wsapp cannot derive the management endpoint. Set ' +
          `new WebSocketApp({ endpoint: 'https://${event.requestContext.domainName}/<base-path>' }). ` +
          'Until then, each connection is reached through the endpoint recorded with it, if any.',
      );
    }
    return derived;
  }

  #warnIfNoConnectRoute(): void {
    if (this.#warnedNoConnect) return;
    this.#warnedNoConnect = true;
    if (!this.#routes.has(CONNECT)) {
      this.#logger.warn(
        'wsapp: no $connect handler registered; every connection is accepted without authentication',
      );
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value instanceof Promise ||
    (((typeof value === 'object' && value !== null) || typeof value === 'function') &&
      typeof (value as { then?: unknown }).then === 'function')
  );
}

function isOptions(value: unknown): value is RouteOptions<StandardSchemaV1, object> {
  return typeof value === 'object' && value !== null;
}

function subprotocolHeader(ctx: AnyContext): Record<string, string> | undefined {
  return ctx.subprotocol === undefined ? undefined : { 'Sec-WebSocket-Protocol': ctx.subprotocol };
}
