import type { IncomingMessage, ServerResponse } from 'node:http';
import { IDLE_TIMEOUT_SECONDS, type Logger, MAX_CONNECTION_SECONDS } from '@wsapp/core';
import type { Authorizer } from './gateway/authorizer.js';
import type { AppOrHandler } from './lambda/handler-types.js';

/** Options of {@link serve}. */
export interface ServeOptions {
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Port; `0` (the default) picks a free one. */
  port?: number;
  /** Stage name: the first path segment of the WebSocket URL and of the management endpoint. Default `local`. */
  stage?: string;
  /** `requestContext.apiId`. Default `wsapplocal`. */
  apiId?: string;
  /** The API's route selection expression, `$request.body.<dotted.path>`. Default `$request.body.action`. */
  routeSelectionExpression?: string;
  /**
   * The route keys messages can be routed to. Default: the app's `routeKeys` (read once, when
   * `serve()` is called), or only `$default` for a plain handler. `$connect` and `$disconnect`
   * are always sent to the integration.
   */
  routes?: readonly string[];
  /**
   * The two-way routes: the only ones whose integration response reaches the client, as on API
   * Gateway where only routes with a route response reply. Default: the app's `twoWayRouteKeys`
   * (routes declared with `{ twoWay: true }`, read once), or none for a plain handler. A one-way
   * route's answer is dropped (logged once per route). `$connect` and `$disconnect` are not routes
   * that reply: naming them throws `TypeError`.
   */
  twoWayRoutes?: readonly string[];
  /** A Lambda authorizer for `$connect` (see {@link Authorizer}). Default: none, every connection is allowed. */
  authorizer?: Authorizer;
  /** Idle connections are closed with 1001 `Going away` after this long. Default 10 minutes. */
  idleTimeoutMs?: number;
  /** Connections are closed with 1001 `Going away` after this long. Default 2 hours. */
  maxConnectionMs?: number;
  /** Integration timeout: `getRemainingTimeInMillis()` counts down from it, and slower invocations fail. Default 29 s. */
  timeoutMs?: number;
  /** `context.functionName`. Default `wsapp-local`. */
  functionName?: string;
  /** Where the emulator logs integration failures. Default `console`. */
  logger?: Logger;
  /**
   * Answers plain HTTP requests outside `/{stage}/@connections` (e.g. to serve a browser page
   * from the same port). Default: none, they answer 403 `ForbiddenException` like API Gateway.
   */
  httpHandler?: (req: IncomingMessage, res: ServerResponse) => void;
}

/** {@link ServeOptions} with every default applied. */
export interface ResolvedOptions {
  host: string;
  port: number;
  stage: string;
  apiId: string;
  routeSelectionExpression: string;
  routes: readonly string[];
  twoWayRoutes: ReadonlySet<string>;
  authorizer: Authorizer | undefined;
  idleTimeoutMs: number;
  maxConnectionMs: number;
  timeoutMs: number;
  functionName: string;
  logger: Logger;
  httpHandler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
}

const STAGE = /^[A-Za-z0-9_-]+$/;

/** Applies defaults and checks values; throws `TypeError` on a bad option. */
export function resolveOptions(target: AppOrHandler, options: ServeOptions): ResolvedOptions {
  const stage = options.stage ?? 'local';
  if (!STAGE.test(stage)) throw new TypeError(`stage must match ${STAGE}, got ${JSON.stringify(stage)}`);
  const resolved: ResolvedOptions = {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    stage,
    apiId: options.apiId ?? 'wsapplocal',
    routeSelectionExpression: options.routeSelectionExpression ?? '$request.body.action',
    routes: options.routes ?? defaultRoutes(target),
    twoWayRoutes: new Set(options.twoWayRoutes ?? defaultTwoWayRoutes(target)),
    authorizer: options.authorizer,
    idleTimeoutMs: options.idleTimeoutMs ?? IDLE_TIMEOUT_SECONDS * 1000,
    maxConnectionMs: options.maxConnectionMs ?? MAX_CONNECTION_SECONDS * 1000,
    timeoutMs: options.timeoutMs ?? 29_000,
    functionName: options.functionName ?? 'wsapp-local',
    logger: options.logger ?? console,
    httpHandler: options.httpHandler,
  };
  for (const key of ['$connect', '$disconnect']) {
    if (resolved.twoWayRoutes.has(key))
      throw new TypeError(`twoWayRoutes: ${key} is not a route that replies`);
  }
  for (const name of ['idleTimeoutMs', 'maxConnectionMs', 'timeoutMs'] as const) {
    const value = resolved[name];
    if (!(Number.isFinite(value) && value > 0)) throw new TypeError(`${name} must be a positive number`);
  }
  return resolved;
}

function defaultRoutes(target: AppOrHandler): readonly string[] {
  if (typeof target === 'object' && target !== null && Array.isArray(target.routeKeys)) {
    return [...target.routeKeys];
  }
  return ['$default'];
}

function defaultTwoWayRoutes(target: AppOrHandler): readonly string[] {
  if (typeof target === 'object' && target !== null && Array.isArray(target.twoWayRouteKeys)) {
    return [...target.twoWayRouteKeys];
  }
  return [];
}
