import { correlationId } from './correlation-id.js';

/** The route key `@wsapp/client` sends its heartbeat to unless told otherwise. */
export const HEARTBEAT_ACTION = 'heartbeat';

/** Options of {@link heartbeat}. */
export interface HeartbeatOptions {
  /** The route key; default `heartbeat` (the client's default too). */
  action?: string;
}

/**
 * Registers a heartbeat route: clients send `{"action":"heartbeat"}` to stay under API Gateway's
 * 10-minute idle timeout. The handler touches neither the store nor the management API and
 * answers nothing, except to a request id (a client checking liveness): then `true`, which reaches
 * the client on a two-way route as `{"$rid":…,"ok":true,"data":true}`. Global middleware still runs.
 *
 * @example
 * ```ts
 * heartbeat(app); // app.route('heartbeat', …)
 * ```
 */
export function heartbeat<T extends RouteRegistrar>(app: T, options: HeartbeatOptions = {}): T {
  // Two-way: a liveness heartbeat waits for the route's own answer (API Gateway sends it only
  // with a route response).
  app.route(options.action ?? HEARTBEAT_ACTION, { twoWay: true }, (ctx) =>
    correlationId(ctx) === undefined ? undefined : true,
  );
  return app;
}

/** What the heartbeat handler reads of its context. */
export interface HeartbeatContext {
  /** The raw event. */
  readonly event: object;
  /** The parsed body. */
  readonly body: unknown;
}

/** Anything routes register on: a `WebSocketApp` (or a router with the same `route`). */
export interface RouteRegistrar {
  /** Registers `handler` for `routeKey`. */
  route(
    routeKey: string,
    options: { twoWay: true },
    handler: (ctx: HeartbeatContext) => true | undefined,
  ): unknown;
}
