import { type AppServices, RequestContext } from '../context/request-context.js';
import type { DefaultAuthorizer, DefaultState } from '../context/web-socket-context.js';
import { correlateResponse } from '../correlation/correlate-response.js';
import { WebSocketError } from '../errors/web-socket-error.js';
import { checkEvent } from '../events/check-event.js';
import type { LambdaContext, WebSocketEvent, WebSocketResponse } from '../events/event-types.js';
import { readBody } from '../events/read-body.js';
import type { FanOutData, FanOutOptions, FanOutResult } from '../fanout/fan-out.js';
import { type HistoryPolicy, historyPolicy } from '../history/history-options.js';
import { readChannelHistory } from '../history/read-history.js';
import type { Logger } from '../logging/logger.js';
import { endpointFromEvent, isCustomDomain } from '../messaging/endpoint-from-event.js';
import { Messenger } from '../messaging/messenger.js';
import type { BroadcastOptions, BroadcastReport, BroadcastTarget } from '../messaging/messenger-types.js';
import type { MessageData } from '../messaging/payload.js';
import { type MetricsSink, recordMetric } from '../metrics/metrics-sink.js';
import { compileRouteSelection, type RouteSelector } from '../routing/route-selection.js';
import { errorResponse, toResponse } from '../routing/to-response.js';
import { Sessions } from '../sessions/sessions.js';
import type { HistoryPage, ReadHistoryOptions } from '../store/channel-history.js';
import type { ConnectionStore } from '../store/connection-store.js';
import { type CompiledRoute, compileRoutes, type RouteTable } from './compile-routes.js';
import { clientInputError, type ErrorLevel, errorLevel, errorStatus, handlersFor } from './error-matching.js';
import { registrationGeneration } from './route-definitions.js';
import { definitionsOf, RouteRegistry } from './route-registry.js';
import { routeResponse } from './route-response.js';
import type { WebSocketAppOptions } from './types.js';
import { isThenable, isWebSocketError } from './value-guards.js';

type AnyContext = RequestContext<unknown, object, object>;

const CONNECT = '$connect';
const DISCONNECT = '$disconnect';
const DEFAULT = '$default';
const INTERNAL = () => new WebSocketError(500, 'Internal server error');

/**
 * Routes API Gateway WebSocket events to handlers.
 *
 * @example
 * ```ts
 * const app = new WebSocketApp<{ user?: string }, { principalId: string }>();
 * app.onConnect((ctx) => { if (!ctx.authorizer?.principalId) throw new WebSocketError(401, 'unauthorized'); });
 * app.route('ping', () => ({ pong: true }));
 * export const handler = app.handler();
 * ```
 *
 * @typeParam TState - the type of `ctx.state`, shared by middleware and handlers
 * @typeParam TAuthorizer - the type of `ctx.authorizer` (the Lambda authorizer's context)
 */
export class WebSocketApp<
  TState extends object = DefaultState,
  TAuthorizer extends object = DefaultAuthorizer,
> extends RouteRegistry<TState, TAuthorizer> {
  readonly #selector: RouteSelector | undefined;
  readonly #logger: Logger;
  readonly #services: AppServices;
  readonly #endpoint: string | undefined;
  readonly #messagingOptions: NonNullable<ConstructorParameters<typeof Messenger>[0]>;
  readonly #metrics: MetricsSink | undefined;
  readonly #history: HistoryPolicy | undefined;
  readonly #sessions: Sessions | undefined;
  #messenger: Messenger | undefined;
  #warnedCustomDomain = false;
  #warnedNoConnect = false;
  #table: RouteTable | undefined;
  #compiledAt = -1;
  #appLevels: readonly ErrorLevel[] = [];
  readonly #reported = new WeakSet<object>();
  readonly #reportedProblems = new Set<string>();

  constructor(options: WebSocketAppOptions<TState, TAuthorizer> = {}) {
    super();
    this.#selector =
      options.routeSelection === undefined ? undefined : compileRouteSelection(options.routeSelection);
    this.#logger = options.logger ?? console;
    this.#services = {
      store: options.store,
      tracking: options.store !== undefined && options.autoTrack !== false,
      messenger: () => this.messenger,
      endpointFor: (event) => this.#endpointFor(event),
      authorizeJoin: options.authorizeJoin as AppServices['authorizeJoin'],
      history: (channel, opts) => this.history(channel, opts),
    };
    this.#endpoint = options.endpoint;
    // The messenger appends broadcasts to the app's history channels.
    this.#messagingOptions = { ...options.messaging, ...(options.history && { history: options.history }) };
    this.#metrics = options.metrics;
    this.#history = options.history && historyPolicy(options.history, options.store);
    const { sessions } = options;
    this.#sessions =
      sessions && new Sessions(sessions, options.store, this.#services.tracking, this.#logger, this.#history);
    const resume = this.#sessions;
    if (resume) {
      this.#services.sessions = resume;
      this.route(resume.config.action, { twoWay: true }, resume.handler());
    }
  }

  /** The {@link Messenger} behind `ctx.send`, `ctx.broadcast` and `app.broadcast`, created on first use. */
  get messenger(): Messenger {
    if (this.#messenger === undefined) {
      this.#messenger = new Messenger({
        ...this.#messagingOptions,
        ...(this.#services.store === undefined ? {} : { store: this.#services.store }),
        ...(this.#endpoint === undefined ? {} : { endpoint: this.#endpoint }),
        logger: this.#logger,
        ...(this.#metrics === undefined ? {} : { metrics: this.#metrics }),
      });
    }
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

  /**
   * Enqueues a broadcast as parallel SQS tasks (one per slice of each channel) for workers made
   * with `fanOutWorker()`. See `Messenger.fanOut`.
   */
  fanOut(target: BroadcastTarget, data: FanOutData, options: FanOutOptions): Promise<FanOutResult> {
    return this.messenger.fanOut(target, data, options);
  }

  /**
   * Reads a channel's history (see the `history` option): entries after `since`, at most `limit`,
   * with the log's `headSeq` and `oldestSeq`. Throws `HistoryNotSupportedError` on a store without it.
   */
  history(channel: string, options?: ReadHistoryOptions): Promise<HistoryPage> {
    return readChannelHistory(this.#services.store, channel, options);
  }

  /** The store given in the options, if any. */
  get store(): ConnectionStore | undefined {
    return this.#services.store;
  }

  /** The route keys this app handles (included routers' with their prefix), `$connect`, `$disconnect`, `$default` too. */
  get routeKeys(): string[] {
    return [...this.#routes().routes.keys()];
  }

  /** The route keys declared `twoWay` (included routers' with their prefix): their results reach the client. */
  get twoWayRouteKeys(): string[] {
    return [...this.#routes().twoWayKeys];
  }

  /** The Lambda handler function: `export const handler = app.handler();`. */
  handler(): (event: WebSocketEvent, context?: LambdaContext) => Promise<WebSocketResponse> {
    return (event, context) => this.resolve(event, context);
  }

  /**
   * Dispatches one event and returns the integration response. Never rejects, whatever the event
   * or the handlers' values: malformed events, validation failures, handler errors and results
   * JSON cannot carry all become responses with a 4xx/5xx status.
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
    let ctx: AnyContext | undefined;
    try {
      const table = this.#routes();
      const problem = checkEvent(event);
      if (problem !== undefined) {
        this.#logger.warn('wsapp: malformed event', { problem });
        return errorResponse(new WebSocketError(400, 'Malformed event'));
      }
      this.#warnIfNoConnectRoute(table);
      let route: CompiledRoute | undefined;
      let response: WebSocketResponse;
      try {
        const rawBody = readBody(event);
        const routeKey = event.requestContext.routeKey;
        ctx = new RequestContext<unknown, object, object>(
          event,
          lambdaContext,
          routeKey,
          rawBody,
          this.#services,
        );
        route = this.#select(table, routeKey, ctx);
        if (route === undefined) {
          response = this.#noRoute(ctx);
        } else {
          if (route.key !== routeKey) {
            // Selected in-Lambda: the new context keeps the body already parsed for selection.
            const selected = new RequestContext<unknown, object, object>(
              event,
              lambdaContext,
              route.key,
              rawBody,
              this.#services,
            );
            selected.setBody(ctx.parsedBody());
            ctx = selected;
          }
          const out = route.run(ctx);
          // Await only when there is something to wait for: a sync handler without middleware costs no tick.
          response = routeResponse(isThenable(out) ? await out : out, ctx);
        }
      } catch (error) {
        response = await this.#handleError(error, ctx, route?.errorLevels ?? this.#appLevels);
      }
      // A request id in the body turns the answer into a reply envelope (see correlateResponse).
      if (ctx !== undefined && ctx.eventType === 'MESSAGE') response = correlateResponse(ctx, response);
      if (ctx !== undefined && this.#services.tracking) return await this.#track(ctx, response);
      return response;
    } catch {
      // Only our own error path can land here (e.g. a logger that throws): answer, never reject.
      return errorResponse(INTERNAL(), ctx?.requestId);
    }
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
        // Sessions: the session id and resumed channels go into this one write.
        // (A resumed session is claimed by the connection's resume request, not here: a failed
        // register write leaves the token as it was.)
        await this.#sessions?.connect(ctx);
        const endpoint = this.#endpoint ?? endpointFromEvent(ctx.event);
        await store.register(ctx.connectionId, {
          channels: [...ctx.pending.channels],
          data: ctx.pending.data,
          ...(endpoint === undefined ? {} : { endpoint }),
        });
      } catch (error) {
        const refused = clientInputError(error);
        if (refused !== undefined) {
          // The client's own input: answered 400, and logged without it (its message holds it).
          this.#logger.warn('wsapp: the store refused the connection', { ...meta, reason: refused.message });
          return errorResponse(refused, ctx.requestId);
        }
        this.#logger.error('wsapp: could not record the connection; rejecting it', { ...meta, error });
        return errorResponse(INTERNAL(), ctx.requestId);
      }
    } else if (ctx.eventType === 'DISCONNECT') {
      try {
        // Sessions: the snapshot is written before the record goes, so a resume racing this
        // `$disconnect` always finds one of the two.
        await this.#sessions?.closing(ctx);
        await store.unregister(ctx.connectionId);
      } catch (error) {
        this.#logger.error('wsapp: could not remove the connection from the store', { ...meta, error });
        return errorResponse(INTERNAL(), ctx.requestId);
      }
    }
    return response;
  }

  /** The compiled route table; recompiled after any registration on this app or a router it includes. */
  #routes(): RouteTable {
    const generation = registrationGeneration();
    if (this.#table !== undefined && this.#compiledAt === generation) return this.#table;
    const definitions = definitionsOf(this as unknown as RouteRegistry<object, object>);
    const table = compileRoutes(definitions);
    this.#table = table;
    this.#compiledAt = generation;
    this.#appLevels = [errorLevel(definitions)];
    this.#report(table);
    return table;
  }

  #report(table: RouteTable): void {
    for (const problem of table.problems) {
      if (this.#reportedProblems.has(problem)) continue;
      this.#reportedProblems.add(problem);
      this.#logger.error(`wsapp: ${problem}`);
    }
    for (const decorator of table.decorators) {
      if (this.#reported.has(decorator)) continue;
      this.#reported.add(decorator);
      this.#logger.error(
        decorator.applied
          ? `wsapp: the route decorator for ${decorator.key} was applied, but no instance of its class was created: the route is not registered`
          : `wsapp: a route decorator for ${decorator.key} was created but never applied to a method (a handler missing?): the route is not registered`,
      );
    }
  }

  #select(table: RouteTable, routeKey: string, ctx: AnyContext): CompiledRoute | undefined {
    const direct = table.routes.get(routeKey);
    if (routeKey !== DEFAULT || this.#selector === undefined) return direct;
    const selected = this.#selector(ctx.parsedBody());
    const route = selected === undefined ? undefined : table.routes.get(selected);
    // $connect/$disconnect are never selectable from a message body.
    if (route !== undefined && route.key !== CONNECT && route.key !== DISCONNECT) return route;
    return direct;
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

  async #handleError(
    error: unknown,
    ctx: AnyContext | undefined,
    levels: readonly ErrorLevel[],
  ): Promise<WebSocketResponse> {
    let failure = error;
    for (const handler of handlersFor(error, levels)) {
      let mapped: unknown;
      try {
        mapped = await handler(error, ctx);
      } catch (thrown) {
        failure = thrown;
        break;
      }
      if (mapped === undefined) continue;
      if (isWebSocketError(mapped)) {
        failure = mapped;
        break;
      }
      // A value answers as the body, with the original error's status: a handler cannot turn a
      // rejected $connect into an accepted one.
      return this.#mappedResponse(mapped, errorStatus(error), ctx);
    }
    const meta = ctx && { connectionId: ctx.connectionId, routeKey: ctx.routeKey, requestId: ctx.requestId };
    // A channel name or data the store refuses is bad input (often client-chosen), not a fault:
    // 400, and nothing of the client's input in the error log.
    const refused = clientInputError(failure);
    if (refused !== undefined) return errorResponse(refused, ctx?.requestId);
    if (isWebSocketError(failure)) {
      if (failure.statusCode >= 500) this.#logger.error('wsapp: request failed', { ...meta, error: failure });
      return errorResponse(failure, ctx?.requestId);
    }
    this.#logger.error('wsapp: unhandled error in handler', { ...meta, error: failure });
    return errorResponse(INTERNAL(), ctx?.requestId);
  }

  #mappedResponse(value: unknown, statusCode: number, ctx: AnyContext | undefined): WebSocketResponse {
    try {
      const { body } = toResponse(value);
      return body === undefined ? { statusCode } : { statusCode, body };
    } catch (error) {
      this.#logger.error('wsapp: an error handler returned a value JSON cannot carry', { error });
      return errorResponse(INTERNAL(), ctx?.requestId);
    }
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

  #warnIfNoConnectRoute(table: RouteTable): void {
    if (this.#warnedNoConnect) return;
    this.#warnedNoConnect = true;
    if (!table.routes.has(CONNECT)) {
      this.#logger.warn(
        'wsapp: no $connect handler registered; every connection is accepted without authentication',
      );
    }
  }
}
