import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { fanOutWorker, type SliceReport } from '@wsapp/core';
import { type LocalServer, type SqsEventSource, serve, sqsEventSource } from '@wsapp/local';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { uniqueName } from '@wsapp/testing';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { createTickerApp } from '../src/app.js';
import { eventBridgeEvent } from '../src/aws-events.js';
import { createPriceFanOut, type FanOutPlan } from '../src/fan-out.js';
import { localAuthorizer } from '../src/local-authorizer.js';
import { PRICE_DETAIL_TYPE, PRICE_SOURCE } from '../src/prices.js';
import { TickerClient } from '../src/ticker-client.js';
import { issueToken } from '../src/token.js';

const secret = 'fan-out test secret';
const fauxqs = inject('wsappSqs');
const sqs = new SQSClient({
  endpoint: fauxqs.endpoint,
  region: fauxqs.region,
  credentials: fauxqs.credentials,
});
const logger = () => ({ error: vi.fn(), warn: vi.fn(), info: vi.fn() });

let server: LocalServer | undefined;
let source: SqsEventSource | undefined;
const clients: TickerClient[] = [];
afterEach(async () => {
  await source?.stop();
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.close();
});

describe('ticker fan-out path: planner → fauxqs → 3 workers → real sockets', { timeout: 90_000 }, () => {
  it('each AMZN subscriber gets the price once, with the broadcast id; MSFT subscribers get nothing', async () => {
    const store = new MemoryConnectionStore();
    const app = createTickerApp({ store, logger: logger() });
    server = await serve(app, { port: 0, authorizer: localAuthorizer(secret), logger: logger() });
    const open = async (user: string, symbol: string) => {
      const client = await TickerClient.open(`${server?.url}?token=${issueToken(user, secret)}`);
      clients.push(client);
      await client.ask({ action: 'subscribe', symbols: [symbol] });
      return client;
    };
    const amzn = await Promise.all(Array.from({ length: 60 }, (_, i) => open(`a${i}`, 'AMZN')));
    const msft = await Promise.all(Array.from({ length: 5 }, (_, i) => open(`m${i}`, 'MSFT')));
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('ticker-fanout') })))
      .QueueUrl as string;

    const planner = createPriceFanOut({ messaging: app, queueUrl, slices: 6, logger: logger(), sqs });
    const planned = (await planner.handler(
      eventBridgeEvent(PRICE_DETAIL_TYPE, PRICE_SOURCE, { symbol: 'AMZN', price: 190.5 }),
    )) as FanOutPlan;
    expect(planned.plan.tasks).toBe(6);

    const reports: SliceReport[] = [];
    const workerLog = { ...logger(), info: (_m: string, r: SliceReport) => void reports.push(r) };
    const worker = fanOutWorker({ messenger: app.messenger, queueUrl, pageSize: 4, logger: workerLog, sqs });
    source = await sqsEventSource({ sqs, queueUrl, handler: worker, batchSize: 1, maxConcurrency: 3 });

    await vi.waitFor(() => expect(reports.length).toBe(6), { timeout: 60_000, interval: 100 });
    const prices = await Promise.all(
      amzn.map((c) => c.waitFor((m) => (m as { type?: string }).type === 'price')),
    );
    for (const price of prices)
      expect(price).toEqual(
        expect.objectContaining({ symbol: 'AMZN', price: 190.5, id: planned.plan.broadcastId }),
      );
    // A round trip on each socket, then count: exactly one price each.
    await Promise.all([...amzn, ...msft].map((c) => c.ask({ action: 'unsubscribe', symbols: ['ZZZZ'] })));
    for (const client of amzn)
      expect(client.received.filter((m) => (m as { type?: string }).type === 'price')).toHaveLength(1);
    for (const client of msft)
      expect(client.received.some((m) => (m as { type?: string }).type === 'price')).toBe(false);
    expect(reports.reduce((n, r) => n + r.delivered, 0)).toBe(60);
  });
});
