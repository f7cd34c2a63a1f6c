import {
  type ConnectionStore,
  heartbeat,
  type Logger,
  WebSocketApp,
  type WebSocketAppOptions,
  type WebSocketContext,
  WebSocketError,
} from '@wsapp/core';
import { z } from 'zod';
import { isTickerChannel, TickerSymbol, tickerChannel, userChannel } from './channels.js';
import { principalOf, requirePrincipal } from './identity.js';

/** Symbols one message may name. */
export const MAX_SYMBOLS_PER_MESSAGE = 20;
/** Ticker channels one connection may be subscribed to at once. */
export const MAX_SUBSCRIPTIONS = 50;

const Symbols = z.object({
  symbols: z.array(TickerSymbol).min(1).max(MAX_SYMBOLS_PER_MESSAGE),
});

/** Options of {@link createTickerApp}. */
export interface TickerAppOptions {
  /** Where connections and subscriptions live: memory locally, DynamoDB or Redis deployed. */
  store: ConnectionStore;
  /** The management endpoint, when it cannot be derived from events (custom domains). */
  endpoint?: string;
  /** Where logs go; `console` by default. */
  logger?: Logger;
  /** Messaging settings (an SDK client, concurrency, retry). */
  messaging?: WebSocketAppOptions['messaging'];
}

/** What middleware hands to the ticker's handlers. */
export interface TickerState {
  /** The authenticated user (the authorizer's `principalId`). */
  user: string;
}

/**
 * A joined channel is either a valid `ticker#SYMBOL` or the connection's own `user#<id>`.
 * Subscriptions are validated by schema already; this policy is the app-wide backstop.
 */
export function tickerJoinPolicy(ctx: Pick<WebSocketContext, 'authorizer'>, channel: string): boolean {
  if (isTickerChannel(channel)) return true;
  const user = principalOf(ctx);
  return user !== undefined && channel === userChannel(user);
}

/**
 * The ticker's WebSocket API: authenticated by a Lambda authorizer on `$connect`, each connection
 * joins its user's channel; `subscribe` / `unsubscribe` manage `ticker#SYMBOL` channels. Both
 * answer what they did (clients wait for it) and `$default` answers unknown actions: all three
 * are two-way routes, with a route response in the template.
 */
export function createTickerApp(options: TickerAppOptions): WebSocketApp<TickerState> {
  const app = new WebSocketApp<TickerState>({
    store: options.store,
    authorizeJoin: tickerJoinPolicy,
    endpoint: options.endpoint,
    logger: options.logger,
    messaging: options.messaging,
  });
  // `@wsapp/client` pings under API Gateway's 10-minute idle timeout; answered without a store read.
  return heartbeat(app)
    .use((ctx, next) => {
      ctx.state.user = requirePrincipal(ctx);
      return next();
    })
    .onConnect(async (ctx) => {
      // Written with the connection record in one store write, once the connection is accepted.
      await ctx.join(userChannel(ctx.state.user));
      await ctx.setData({ user: ctx.state.user });
    })
    .route('subscribe', { twoWay: true, body: Symbols }, async (ctx) => {
      const symbols = [...new Set(ctx.body.symbols)];
      const current = (await ctx.connection())?.channels.filter(isTickerChannel) ?? [];
      const added = symbols.filter((symbol) => !current.includes(tickerChannel(symbol)));
      if (current.length + added.length > MAX_SUBSCRIPTIONS) {
        throw new WebSocketError(400, `at most ${MAX_SUBSCRIPTIONS} subscriptions per connection`);
      }
      await ctx.join(symbols.map(tickerChannel));
      return { subscribed: symbols };
    })
    .route('unsubscribe', { twoWay: true, body: Symbols }, async (ctx) => {
      const symbols = [...new Set(ctx.body.symbols)];
      await ctx.leave(symbols.map(tickerChannel));
      return { unsubscribed: symbols };
    })
    .onDefault({ twoWay: true }, () => ({ error: 'unknown action', actions: ['subscribe', 'unsubscribe'] }));
}
