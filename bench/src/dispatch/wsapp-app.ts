import { WebSocketApp, WebSocketError } from '@wsapp/core';
import { recordTiming, subscribeSchema, UNKNOWN_ACTION } from './shared.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** The contender: a WebSocketApp with one middleware, one schema-validated route, JSON bodies. */
export function createWsappHandler() {
  const app = new WebSocketApp({ logger: silent });
  app.use(async (_ctx, next) => {
    const started = performance.now();
    const result = await next();
    recordTiming(started);
    return result;
  });
  app.onConnect((ctx) => {
    if (!ctx.authorizer?.principalId) throw new WebSocketError(401, 'unauthorized');
  });
  app.route('subscribe', { body: subscribeSchema }, (ctx) => ({ subscribed: ctx.body.ticker }));
  app.route('ping', (ctx) => ({ pong: (ctx.body as { seq?: number } | undefined)?.seq ?? null }));
  app.onDisconnect(() => undefined);
  app.onDefault(() => UNKNOWN_ACTION);
  return app.handler();
}
