import type { WebSocketContext } from '../context/web-socket-context.js';
import type { Middleware } from '../routing/compose-middleware.js';

/** A logger with request-scoped keys: a Powertools `Logger` fits (no dependency on it). */
export interface KeyedLogger {
  appendKeys(attributes: Record<string, unknown>): void;
  removeKeys(keys: string[]): void;
}

const KEYS = ['connectionId', 'routeKey', 'requestId'];

/**
 * Middleware that adds `connectionId`, `routeKey` and `requestId` to every line the logger writes
 * while a route runs (`logger.appendKeys`), and removes them afterwards (`logger.removeKeys`), so
 * handlers' own log lines are correlated without passing the context around.
 *
 * @example
 * ```ts
 * const logger = new Logger({ serviceName: 'chat' }); // @aws-lambda-powertools/logger
 * const app = new WebSocketApp({ logger }).use(appendLogKeys(logger));
 * ```
 */
export function appendLogKeys(logger: KeyedLogger): Middleware<WebSocketContext<unknown, object>> {
  return async (ctx, next) => {
    logger.appendKeys({ connectionId: ctx.connectionId, routeKey: ctx.routeKey, requestId: ctx.requestId });
    try {
      return await next();
    } finally {
      logger.removeKeys(KEYS);
    }
  };
}
