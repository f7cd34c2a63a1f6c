import type { BroadcastReport } from '@wsapp/core';
import { type LocalServer, serve } from '@wsapp/local';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTickerApp } from '../src/app.js';
import { eventBridgeEvent, sqsEvent } from '../src/aws-events.js';
import { createPriceBroadcaster, type TickOutcome } from '../src/broadcaster.js';
import { localAuthorizer } from '../src/local-authorizer.js';
import { createNotifier } from '../src/notify.js';
import { PRICE_DETAIL_TYPE, PRICE_SOURCE } from '../src/prices.js';
import { TickerClient } from '../src/ticker-client.js';
import { issueToken } from '../src/token.js';

const secret = 'end-to-end test secret';
const logger = () => ({ error: vi.fn(), warn: vi.fn(), info: vi.fn() });
const isType = (type: string) => (m: unknown) => (m as { type?: unknown }).type === type;
const pricesOf = (client: TickerClient) =>
  client.received.filter(isType('price')) as Array<{ symbol: string; price: number }>;

let server: LocalServer | undefined;
const clients: TickerClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.close();
  server = undefined;
});

async function start() {
  const store = new MemoryConnectionStore();
  const log = logger();
  const app = createTickerApp({ store, logger: log });
  server = await serve(app, { port: 0, authorizer: localAuthorizer(secret), logger: log });
  const connect = async (user: string) => {
    const client = await TickerClient.open(`${server?.url}?token=${issueToken(user, secret)}`);
    clients.push(client);
    return client;
  };
  return {
    store,
    connect,
    url: server.url,
    broadcaster: createPriceBroadcaster({ messaging: app, logger: log }),
    notify: createNotifier({ messaging: app, logger: log }),
  };
}

/** A round trip on each socket: frames already posted to it arrive before the answer. */
async function settle(...clients: TickerClient[]) {
  await Promise.all(clients.map((c) => c.ask({ action: 'unsubscribe', symbols: ['ZZZZ'] })));
}

describe('ticker end to end: @wsapp/local, real sockets, the broadcaster handler', () => {
  it('each client receives only the prices of the symbols it subscribed to', async () => {
    const { connect, broadcaster, store } = await start();
    const ada = await connect('ada');
    const bob = await connect('bob');
    expect(await ada.ask({ action: 'subscribe', symbols: ['AMZN'] })).toEqual({
      subscribed: ['AMZN'],
    });
    expect(await bob.ask({ action: 'subscribe', symbols: ['MSFT'] })).toEqual({
      subscribed: ['MSFT'],
    });

    // EventBridge: one price per event, as the rule delivers it.
    const fromRule = (await broadcaster.handler(
      eventBridgeEvent(PRICE_DETAIL_TYPE, PRICE_SOURCE, { symbol: 'AMZN', price: 187.3 }),
    )) as TickOutcome;
    expect(fromRule.report).toMatchObject({ attempted: 1, delivered: 1, gone: 0, failed: [] });
    expect(await ada.waitFor(isType('price'))).toMatchObject({ type: 'price', symbol: 'AMZN', price: 187.3 });

    // SQS: a batch with both symbols (one forwarded EventBridge event), and nobody on NVDA.
    const batch = sqsEvent([
      { symbol: 'MSFT', price: 411.2 },
      eventBridgeEvent(PRICE_DETAIL_TYPE, PRICE_SOURCE, { symbol: 'AMZN', price: 188 }),
      { symbol: 'NVDA', price: 142.6 },
    ]);
    expect(await broadcaster.handler(batch)).toEqual({ batchItemFailures: [] });
    await settle(ada, bob);

    expect(pricesOf(ada).map((p) => [p.symbol, p.price])).toEqual([
      ['AMZN', 187.3],
      ['AMZN', 188],
    ]);
    expect(pricesOf(bob).map((p) => [p.symbol, p.price])).toEqual([['MSFT', 411.2]]);
    expect((await store.members('ticker#AMZN')).connectionIds).toHaveLength(1);
  });

  it('unsubscribed and closed connections get nothing more; closed ones leave the store', async () => {
    const { connect, broadcaster, store } = await start();
    const ada = await connect('ada');
    const bob = await connect('bob');
    await ada.ask({ action: 'subscribe', symbols: ['AMZN', 'MSFT'] });
    await bob.ask({ action: 'subscribe', symbols: ['AMZN'] });
    await ada.ask({ action: 'unsubscribe', symbols: ['AMZN'] });

    const tick = async (symbol: string): Promise<BroadcastReport> =>
      (
        (await broadcaster.onEvent(
          eventBridgeEvent(PRICE_DETAIL_TYPE, PRICE_SOURCE, { symbol, price: 1 }),
        )) as TickOutcome
      ).report;
    expect((await tick('AMZN')).delivered).toBe(1);
    await bob.close();
    await vi.waitFor(async () => expect((await store.members('ticker#AMZN')).connectionIds).toEqual([]));
    expect((await tick('AMZN')).attempted).toBe(0);
    expect((await tick('MSFT')).delivered).toBe(1);
    await settle(ada);
    expect(pricesOf(ada).map((p) => p.symbol)).toEqual(['MSFT']);
    expect(pricesOf(bob).map((p) => p.symbol)).toEqual(['AMZN']);
  });

  it("notify reaches every connection of one user through the user's channel, and no one else", async () => {
    const { connect, notify } = await start();
    const adaPhone = await connect('ada');
    const adaLaptop = await connect('ada');
    const bob = await connect('bob');
    const outcome = await notify({ userId: 'ada', data: { text: 'order filled' } });
    expect(outcome.report).toMatchObject({ attempted: 2, delivered: 2 });
    for (const client of [adaPhone, adaLaptop]) {
      expect(await client.waitFor(isType('notification'))).toEqual({
        type: 'notification',
        data: { text: 'order filled' },
      });
    }
    await settle(bob);
    expect(bob.received.filter(isType('notification'))).toEqual([]);
    expect((await notify({ userId: 'carol', data: {} })).report.attempted).toBe(0);
  });

  it('refuses connections without a valid token (401) before the app runs', async () => {
    const { url, store } = await start();
    await expect(TickerClient.open(url)).rejects.toMatchObject({ statusCode: 401 });
    await expect(TickerClient.open(`${url}?token=forged`)).rejects.toMatchObject({ statusCode: 401 });
    expect(store.inspect()).toEqual({ connections: [], memberships: [] });
  });
});
