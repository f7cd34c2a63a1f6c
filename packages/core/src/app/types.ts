import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { DefaultAuthorizer, DefaultState, WebSocketContext } from '../context/web-socket-context.js';
import type { HistoryOptions } from '../history/history-options.js';
import type { Logger } from '../logging/logger.js';
import type { MessengerOptions } from '../messaging/messenger-types.js';
import type { MetricsSink } from '../metrics/metrics-sink.js';
import type { Middleware } from '../routing/compose-middleware.js';
import type { SessionOptions } from '../sessions/session-options.js';
import type { ConnectionStore } from '../store/connection-store.js';

/** A route handler; its return value becomes the route response (see {@link WebSocketApp}). */
export type RouteHandler<
  TBody = unknown,
  TState extends object = DefaultState,
  TAuthorizer extends object = DefaultAuthorizer,
> = (ctx: WebSocketContext<TBody, TState, TAuthorizer>) => unknown;

/** Middleware registered with `use()` or a route's `middleware` option. */
export type AppMiddleware<
  TState extends object = DefaultState,
  TAuthorizer extends object = DefaultAuthorizer,
> = Middleware<WebSocketContext<unknown, TState, TAuthorizer>>;

/**
 * Maps an error to an answer. Return `undefined` to fall back to the next handler (then the
 * default handling), a {@link WebSocketError} to answer its status, or any other value to answer
 * it as the body — with the status of the original error (its own for a `WebSocketError`, 400 for
 * input the store refused, 500 otherwise), so a rejected `$connect` stays rejected.
 * `ctx` is `undefined` when the event was too malformed to build one.
 */
export type ErrorHandler<
  TState extends object = DefaultState,
  TAuthorizer extends object = DefaultAuthorizer,
  TError = unknown,
> = (error: TError, ctx: WebSocketContext<unknown, TState, TAuthorizer> | undefined) => unknown;

/** A class of errors, as `errorHandler()` matches them. */
// biome-ignore lint/suspicious/noExplicitAny: constructor parameters are irrelevant to matching
export type ErrorClass<TError extends Error = Error> = abstract new (...args: any[]) => TError;

/** The body type a schema produces, or `unknown` without one. */
export type InferBody<TSchema> = TSchema extends StandardSchemaV1
  ? StandardSchemaV1.InferOutput<TSchema>
  : unknown;

/** Per-route options. */
export interface RouteOptions<
  TSchema extends StandardSchemaV1 | undefined,
  TState extends object = DefaultState,
  TAuthorizer extends object = DefaultAuthorizer,
  TResponse extends StandardSchemaV1 | undefined = StandardSchemaV1 | undefined,
> {
  /** A Standard Schema (zod, valibot, …) the JSON body must match; failures answer 400. */
  body?: TSchema;
  /**
   * The route's answer type, as a schema or `typed<T>()` (types only, never run): the handler's
   * return value is checked against it, and `@wsapp/client`'s `request()` resolves with it.
   */
  response?: TResponse;
  /** Middleware that runs for this route only, inside the app's (and router's) middleware. */
  middleware?: AppMiddleware<TState, TAuthorizer>[];
  /**
   * Whether the route is two-way: only two-way routes' return values reach the client on API
   * Gateway (a route response is declared for them). One-way by default.
   */
  twoWay?: boolean;
}

/** Options of `onConnect()`: a route's options plus schemas for the query string and headers. */
export interface ConnectOptions<
  TQuery extends StandardSchemaV1 | undefined,
  THeaders extends StandardSchemaV1 | undefined,
  TState extends object = DefaultState,
  TAuthorizer extends object = DefaultAuthorizer,
> extends RouteOptions<undefined, TState, TAuthorizer> {
  /** A Standard Schema for `ctx.query`; a mismatch answers 400 (with the issues) before the handler runs. */
  query?: TQuery;
  /**
   * A Standard Schema for `ctx.headers` (names lower-cased); a mismatch answers 401 (without the
   * issues) before the handler runs.
   */
  headers?: THeaders;
}

/** The `$connect` context: `query` and `headers` typed by their schemas' output when given. */
export type ConnectContext<
  TQuery extends StandardSchemaV1 | undefined,
  THeaders extends StandardSchemaV1 | undefined,
  TState extends object = DefaultState,
  TAuthorizer extends object = DefaultAuthorizer,
> = Omit<WebSocketContext<unknown, TState, TAuthorizer>, 'query' | 'headers'> & {
  /** The query string, as the `query` schema output it. */
  readonly query: [TQuery] extends [StandardSchemaV1]
    ? StandardSchemaV1.InferOutput<TQuery>
    : Readonly<Record<string, string>>;
  /** The headers (lower-cased names), as the `headers` schema output them. */
  readonly headers: [THeaders] extends [StandardSchemaV1]
    ? StandardSchemaV1.InferOutput<THeaders>
    : Readonly<Record<string, string>>;
};

/** Options of `include()`. */
export interface IncludeOptions {
  /**
   * Prepended to the router's custom route keys (not to `$connect`, `$disconnect`, `$default`).
   * It cannot start with `$` (route keys starting with `$` are API Gateway's), and the keys it
   * makes cannot already be registered on the app or another included router (`TypeError`).
   */
  prefix?: string;
}

/** Options of {@link WebSocketApp}. */
export interface WebSocketAppOptions<
  TState extends object = DefaultState,
  TAuthorizer extends object = DefaultAuthorizer,
> {
  /**
   * In-Lambda routing for APIs that send every message to `$default`: an expression like
   * `$request.body.action` whose value in a `$default` message's JSON body picks the route.
   */
  routeSelection?: string;
  /** Where logs go; `console` by default. A Powertools Logger fits. */
  logger?: Logger;
  /**
   * Where connections and their channels are recorded. With a store, `$connect` registers the
   * connection (with what the handler joined, in one write) and `$disconnect` unregisters it.
   */
  store?: ConnectionStore;
  /** Set `false` to manage the store yourself instead of automatic `$connect`/`$disconnect` tracking. */
  autoTrack?: boolean;
  /**
   * The management API endpoint (`https://{apiId}.execute-api.{region}.amazonaws.com/{stage}`, `.com.cn` in China, or
   * your custom domain with its base path). Needed with custom domains; recorded with each connection.
   */
  endpoint?: string;
  /**
   * Decides whether the connection may join a channel, for every `ctx.join` (including on
   * `$connect`). Answer `false` to refuse with a 403 {@link WebSocketError}; the store is not touched.
   * Without it every join is allowed: use it whenever channel names come from clients.
   */
  authorizeJoin?: (
    ctx: WebSocketContext<unknown, TState, TAuthorizer>,
    channel: string,
  ) => boolean | Promise<boolean>;
  /**
   * Where metrics go (a Powertools `Metrics` fits): `RouteLatency` per event, and broadcast
   * delivered/gone/failed counts. See {@link MetricsSink}; per-route metrics with a route-key
   * dimension come from `routeMetrics()` in `@wsapp/core/middleware`.
   */
  metrics?: MetricsSink;
  /**
   * Channels whose broadcasts are kept in the store's channel history, for `ctx.history`,
   * `app.history` and the replay of the `resume` route (see {@link HistoryOptions}). Opt-in per
   * channel or prefix: each broadcast to them costs one append per history channel. A store that
   * leaves out `appendHistory` throws `HistoryNotSupportedError` here.
   */
  history?: HistoryOptions;
  /**
   * Sessions that survive reconnects (see {@link SessionOptions}): every connection gets a session
   * id in its `$connect` write; a client reconnecting with its token (query `wsapp_session`) gets
   * its channels back in that same write, and the automatic two-way `resume` route replays what it
   * missed on history channels. Needs a store and automatic tracking.
   */
  sessions?: SessionOptions<TState, TAuthorizer>;
  /** Messaging settings for `ctx.send`, `ctx.broadcast` and `app.broadcast`. */
  messaging?: Pick<
    MessengerOptions,
    | 'client'
    | 'clientConfig'
    | 'credentials'
    | 'region'
    | 'concurrency'
    | 'retry'
    | 'deadlineMarginMs'
    | 'connectGraceMs'
  >;
}
