import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { DefaultState, WebSocketContext } from '../context/web-socket-context.js';
import type { Logger } from '../logging/logger.js';
import type { MessengerOptions } from '../messaging/messenger-types.js';
import type { MetricsSink } from '../metrics/metrics-sink.js';
import type { Middleware } from '../routing/compose-middleware.js';
import type { ConnectionStore } from '../store/connection-store.js';

/**
 * A route handler; its return value becomes the route response (see {@link WebSocketApp}). With a
 * `response` type the value must match it, or be nothing (a route answering with `reply()`).
 */
export type RouteHandler<TBody = unknown, TState extends object = DefaultState, TResult = unknown> = (
  ctx: WebSocketContext<TBody, TState>,
) => HandlerResult<TResult> | PromiseLike<HandlerResult<TResult>>;

/** What a handler may return: its response type, or nothing. */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler with a block body and no return is typed `void`
export type HandlerResult<TResult> = TResult | undefined | void;

/** Middleware registered with `app.use()` or a route's `middleware` option. */
export type AppMiddleware<TState extends object = DefaultState> = Middleware<
  WebSocketContext<unknown, TState>
>;

/**
 * Maps an error to an answer. Return `undefined` to fall back to the default handling, a
 * {@link WebSocketError} to answer its status, or any other value to answer it as a handler's result.
 * `ctx` is `undefined` when the event was too malformed to build one.
 */
export type ErrorHandler<TState extends object = DefaultState> = (
  error: unknown,
  ctx: WebSocketContext<unknown, TState> | undefined,
) => unknown;

/** The body type a schema produces, or `unknown` without one. */
export type InferBody<TSchema> = TSchema extends StandardSchemaV1
  ? StandardSchemaV1.InferOutput<TSchema>
  : unknown;

/** Per-route options. */
export interface RouteOptions<
  TSchema extends StandardSchemaV1 | undefined,
  TState extends object = DefaultState,
  TResponse extends StandardSchemaV1 | undefined = StandardSchemaV1 | undefined,
> {
  /** A Standard Schema (zod, valibot, …) the JSON body must match; failures answer 400. */
  body?: TSchema;
  /** Middleware that runs for this route only, inside the app's global middleware. */
  middleware?: AppMiddleware<TState>[];
  /**
   * The route's answer type, as a schema or `typed<T>()` (types only, never run): the handler's
   * return value is checked against it, and `@wsapp/client`'s `request()` resolves with it.
   */
  response?: TResponse;
}

/** Options of {@link WebSocketApp}. */
export interface WebSocketAppOptions {
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
   * The management API endpoint (`https://{apiId}.execute-api.{region}.amazonaws.com/{stage}`, or
   * your custom domain with its base path). Needed with custom domains; recorded with each connection.
   */
  endpoint?: string;
  /**
   * Decides whether the connection may join a channel, for every `ctx.join` (including on
   * `$connect`). Answer `false` to refuse with a 403 {@link WebSocketError}; the store is not touched.
   * Without it every join is allowed: use it whenever channel names come from clients.
   */
  authorizeJoin?: (
    ctx: WebSocketContext<unknown, DefaultState>,
    channel: string,
  ) => boolean | Promise<boolean>;
  /**
   * Where metrics go (a Powertools `Metrics` fits): `RouteLatency` per event, and broadcast
   * delivered/gone/failed counts. See {@link MetricsSink}.
   */
  metrics?: MetricsSink;
  /** Messaging settings for `ctx.send`, `ctx.broadcast` and `app.broadcast`. */
  messaging?: Pick<
    MessengerOptions,
    'client' | 'clientConfig' | 'concurrency' | 'retry' | 'deadlineMarginMs'
  >;
}
