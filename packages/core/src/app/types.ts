import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { DefaultState, WebSocketContext } from '../context/web-socket-context.js';
import type { Logger } from '../logging/logger.js';
import type { MessengerOptions } from '../messaging/messenger-types.js';
import type { MetricsSink } from '../metrics/metrics-sink.js';
import type { Middleware } from '../routing/compose-middleware.js';
import type { ConnectionStore } from '../store/connection-store.js';

/** A route handler; its return value becomes the route response (see {@link WebSocketApp}). */
export type RouteHandler<TBody = unknown, TState extends object = DefaultState> = (
  ctx: WebSocketContext<TBody, TState>,
) => unknown;

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
> {
  /** A Standard Schema (zod, valibot, …) the JSON body must match; failures answer 400. */
  body?: TSchema;
  /** Middleware that runs for this route only, inside the app's global middleware. */
  middleware?: AppMiddleware<TState>[];
  /**
   * A two-way route: its return value reaches the client. API Gateway sends a route's answer
   * back only when the route has a route response (`$default` key), so deploy templates must
   * declare one for exactly these routes (see {@link WebSocketApp.twoWayRouteKeys}). Default
   * `false`: a one-way route never replies, whatever it returns; push with `ctx.send`.
   * For `route()` and `onDefault()` only: `$connect`'s answer always matters and `$disconnect`'s
   * never does, so `onConnect`/`onDisconnect` refuse it with a `TypeError`.
   */
  twoWay?: boolean;
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
    'client' | 'clientConfig' | 'credentials' | 'region' | 'concurrency' | 'retry' | 'deadlineMarginMs'
  >;
}
