import type { WebSocketApp } from '@wsapp/core';
import { createTickerApp, type TickerState } from '../app.js';
import { createStore } from '../store.js';

let ticker: Promise<WebSocketApp<TickerState>> | undefined;

/**
 * The ticker app of this Lambda container, created on the first invocation: the store from the
 * environment (`STORE`, `TABLE_NAME` / `REDIS_URL`) and the management endpoint from `WS_ENDPOINT`.
 */
export function tickerApp(): Promise<WebSocketApp<TickerState>> {
  ticker ??= createStore().then((store) =>
    createTickerApp({
      store,
      endpoint: process.env.WS_ENDPOINT,
    }),
  );
  return ticker;
}
