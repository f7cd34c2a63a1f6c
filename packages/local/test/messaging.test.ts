import {
  ManagementApiForbiddenError,
  Messenger,
  PayloadTooLargeError,
  SendFailedError,
  WebSocketApp,
} from '@wsapp/core';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { connectionIdLike } from '@wsapp/testing';
import { describe, expect, it } from 'vitest';
import { countFrames, openClients as open, settledStore, silentLogger, start } from './helpers.js';
import { transports } from './transports.js';

/** An app where every connection joins the channels named in `?channels=a,b` on $connect. */
function channelApp(store: MemoryConnectionStore, logger = silentLogger(), messaging = {}) {
  return new WebSocketApp({ store, logger, messaging })
    .onConnect((ctx) => ctx.join((ctx.query.channels ?? 'all').split(',')))
    .route('whoami', { twoWay: true }, (ctx) => ctx.connectionId)
    .route('shout', { twoWay: true }, (ctx) =>
      ctx.broadcast({ channels: ['all'], except: ctx.connectionId }, ctx.body as object),
    );
}

/** Opens `n` clients that join the channels of `query` (default `all`), with their connection ids. */
const openClients = (url: string, n: number, query = 'channels=all') => open(`${url}?${query}`, n);

const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

// Hundreds of real sockets per test: allow for a busy 2-core machine.
describe.each(transports)('Messenger against the emulator ($name)', { timeout: 60_000 }, ({ options }) => {
  it('broadcasts to 1,000 connections of which 100 are gone: 900 delivered, 100 gone and removed', async () => {
    const store = settledStore();
    const server = await start(channelApp(store, silentLogger(), options));
    const clients = await openClients(server.url, 900);
    // 100 connections whose $disconnect never arrived: still in the store, unknown to API Gateway.
    const ghosts = Array.from({ length: 100 }, () => connectionIdLike());
    for (const id of ghosts) await store.register(id, { channels: ['all'], endpoint: server.endpoint });
    const counts = countFrames(clients);
    server.stats.reset();

    const messenger = new Messenger({
      ...options,
      store,
      endpoint: server.endpoint,
      logger: silentLogger(),
    });
    const report = await messenger.broadcast({ channels: ['all'] }, { price: 187.3 });

    expect(report).toMatchObject({ attempted: 1000, delivered: 900, gone: 100, failed: [] });
    expect(server.stats.count({ method: 'POST', status: 200 })).toBe(900);
    expect(server.stats.count({ method: 'POST', status: 410 })).toBe(100); // never retried
    for (const id of ghosts) expect(await store.get(id)).toBeUndefined();
    expect((await store.members('all', { limit: 1000 })).connectionIds.length).toBe(900);
    await settle();
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it('survives 30% of calls answered 429: everything delivered within the retry budget', async () => {
    const store = new MemoryConnectionStore();
    const server = await start(channelApp(store, silentLogger(), options));
    const clients = await openClients(server.url, 200);
    const counts = countFrames(clients);
    server.stats.reset();
    server.faults.inject({ status: 429, ratio: 0.3, seed: 7, methods: ['POST'] });
    // Each call is throttled with p = 0.3 independently, so a connection exhausts n attempts with
    // p = 0.3^n: 12 attempts make a failure among 200 connections a 1-in-10,000 event (6: 1 run in 7).

    const report = await new Messenger({
      ...options,
      store,
      endpoint: server.endpoint,
      retry: { maxAttempts: 12, baseDelayMs: 5, maxDelayMs: 50 },
    }).broadcast({ channels: ['all'] }, 'tick');
    expect(report).toMatchObject({ attempted: 200, delivered: 200, gone: 0, failed: [] });
    expect(server.stats.count({ method: 'POST', status: 429 })).toBeGreaterThan(30);
    await settle();
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it('reports connections that keep failing with 500 in `failed`, after bounded attempts', async () => {
    const store = new MemoryConnectionStore();
    const server = await start(channelApp(store, silentLogger(), options));
    const clients = await openClients(server.url, 20);
    const broken = clients.slice(0, 3).map((c) => c.id);
    server.stats.reset();
    server.faults.inject({ status: 500, connectionIds: broken });

    const messenger = new Messenger({
      ...options,
      store,
      endpoint: server.endpoint,
      retry: { maxAttempts: 4, baseDelayMs: 1 },
    });
    const report = await messenger.broadcast({ channels: ['all'] }, 'x');
    expect(report.delivered).toBe(17);
    expect(report.failed.map((f) => f.connectionId).sort()).toEqual([...broken].sort());
    for (const failure of report.failed) {
      expect(failure.error).toBeInstanceOf(SendFailedError);
      expect(failure.error).toMatchObject({ attempts: 4, statusCode: 500 });
    }
    expect(server.stats.count({ method: 'POST', status: 500 })).toBe(12);
    expect(await store.get(broken[0] as string)).toBeDefined(); // failures are not "gone"
  });

  it('stops early with one clear error when the first calls answer 403', async () => {
    const store = new MemoryConnectionStore();
    const server = await start(channelApp(store, silentLogger(), options));
    await openClients(server.url, 300);
    server.stats.reset();
    server.faults.inject({ status: 403 });

    const messenger = new Messenger({ ...options, store, endpoint: server.endpoint, concurrency: 10 });
    const error = await messenger.broadcast({ channels: ['all'] }, 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManagementApiForbiddenError);
    expect((error as Error).message).toContain('execute-api:ManageConnections');
    expect(
      server.stats.count({ method: 'POST' }),
      JSON.stringify(server.stats.snapshot()),
    ).toBeLessThanOrEqual(10);
  });

  it('sends to the union of channels and ids once each, except the excluded', async () => {
    const store = new MemoryConnectionStore();
    const server = await start(channelApp(store, silentLogger(), options));
    const a = await openClients(server.url, 5, 'channels=a');
    const ab = await openClients(server.url, 5, 'channels=a,b');
    const b = await openClients(server.url, 5, 'channels=b');
    const loner = await openClients(server.url, 1, 'channels=none');
    const everyone = [...a, ...ab, ...b, ...loner];
    const counts = countFrames(everyone);
    const except = [a[0]?.id as string, b[0]?.id as string];

    const report = await new Messenger({ ...options, store, endpoint: server.endpoint }).broadcast(
      { channels: ['a', 'b'], connectionIds: [loner[0]?.id as string, ab[0]?.id as string], except },
      { hello: true },
    );
    expect(report).toMatchObject({ attempted: 14, delivered: 14, gone: 0 });
    await settle();
    for (const { id } of everyone) expect(counts.get(id), id).toBe(except.includes(id) ? 0 : 1);
  });

  it('refuses a payload over 128 KB before any call', async () => {
    const store = new MemoryConnectionStore();
    const server = await start(channelApp(store, silentLogger(), options));
    await openClients(server.url, 3);
    server.stats.reset();
    const messenger = new Messenger({ ...options, store, endpoint: server.endpoint });
    await expect(
      messenger.broadcast({ channels: ['all'] }, 'x'.repeat(128 * 1024 + 1)),
    ).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(messenger.send('any', new Uint8Array(128 * 1024 + 1))).rejects.toBeInstanceOf(
      PayloadTooLargeError,
    );
    expect(server.stats.total).toBe(0);
  });

  it('delivers each member exactly once across a broadcast split by cursor and page budget', async () => {
    const store = new MemoryConnectionStore();
    const server = await start(channelApp(store, silentLogger(), options));
    const clients = await openClients(server.url, 350);
    const counts = countFrames(clients);
    const messenger = new Messenger({ ...options, store, endpoint: server.endpoint });

    let cursor: string | undefined;
    let invocations = 0;
    let delivered = 0;
    do {
      // Each iteration stands for one invocation (e.g. one SQS message carrying the cursor).
      const report = await messenger.broadcast({ channels: ['all'] }, 'fan-out', {
        maxPages: 1,
        pageSize: 100,
        ...(cursor ? { cursor } : {}),
      });
      delivered += report.delivered;
      cursor = report.cursor;
      invocations++;
    } while (cursor !== undefined);
    expect(invocations).toBe(4);
    expect(delivered).toBe(350);
    await settle();
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it('respects the Lambda deadline: slow answers end up failed, promptly', async () => {
    const store = new MemoryConnectionStore();
    const server = await start(channelApp(store, silentLogger(), options));
    await openClients(server.url, 5);
    server.faults.inject({ delayMs: 3_000 });
    const messenger = new Messenger({
      ...options,
      store,
      endpoint: server.endpoint,
      deadlineMarginMs: 100,
    });
    const started = Date.now();
    const report = await messenger.broadcast({ channels: ['all'] }, 'late', {
      lambdaContext: { awsRequestId: 'r', getRemainingTimeInMillis: () => 600 },
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(report.delivered).toBe(0);
    expect(report.failed.length).toBe(5);
    expect(report.failed[0]?.error.name).toBe('DeadlineExceededError');
  });

  it('send answers sent or gone and removes gone connections; info and disconnect work', async () => {
    const store = new MemoryConnectionStore();
    const server = await start(channelApp(store, silentLogger(), options));
    const [{ client, id } = { client: undefined, id: '' }] = await openClients(server.url, 1);
    const messenger = new Messenger({ ...options, store, endpoint: server.endpoint });
    expect(await messenger.send(id, { direct: 1 })).toBe('sent');
    expect(await client?.json()).toEqual({ direct: 1 });
    // Bytes that are not UTF-8 arrive as a binary frame, unchanged.
    expect(await messenger.send(id, new Uint8Array([0xff, 0xfe, 0]))).toBe('sent');
    const binary = await client?.next();
    expect(binary?.binary).toBe(true);
    expect([...(binary?.data ?? [])]).toEqual([0xff, 0xfe, 0]);
    const info = await messenger.info(id);
    expect(info?.connectedAt).toBeInstanceOf(Date);
    expect(info?.identity.sourceIp).toBe('127.0.0.1');
    expect(await messenger.disconnect(id)).toBe('disconnected');
    expect((await client?.closed)?.code).toBeDefined();
    const ghost = connectionIdLike();
    await store.register(ghost, { endpoint: server.endpoint });
    expect(await messenger.send(ghost, 'hi')).toBe('gone');
    expect(await store.get(ghost)).toBeUndefined();
    expect(await messenger.info(ghost)).toBeUndefined();
  });
});

describe.each(transports)('endpoint resolution ($name transport)', ({ options }) => {
  it('ctx.broadcast inside a route uses the endpoint the event implies (no configuration)', async () => {
    const store = new MemoryConnectionStore();
    const server = await start(channelApp(store, silentLogger(), options));
    const clients = await openClients(server.url, 3);
    const [sender, ...others] = clients;
    sender?.client.send({ action: 'shout', text: 'hi all' });
    for (const { client } of others) expect(await client.json()).toEqual({ action: 'shout', text: 'hi all' });
    const ack = JSON.parse(await (sender?.client.text() ?? Promise.resolve('{}')));
    expect(ack).toMatchObject({ attempted: 2, delivered: 2 });
  });

  it('app.broadcast from a non-API-Gateway invocation reaches connections through their recorded endpoint', async () => {
    const store = new MemoryConnectionStore();
    const app = channelApp(store, silentLogger(), options);
    const server = await start(app);
    const clients = await openClients(server.url, 4);
    expect((await store.get(clients[0]?.id as string))?.endpoint).toBe(server.endpoint);
    // An "SQS-triggered" broadcaster: same app and store, no event, no endpoint option.
    const report = await app.broadcast({ channels: ['all'] }, { from: 'sqs' });
    expect(report).toMatchObject({ attempted: 4, delivered: 4 });
    for (const { client } of clients) expect(await client.json()).toEqual({ from: 'sqs' });
  });

  it('the endpoint option wins over records and events', async () => {
    const store = new MemoryConnectionStore();
    const server = await start(channelApp(store, silentLogger(), options));
    const [only] = await openClients(server.url, 1);
    await store.update(only?.id as string, {}); // record endpoint stays the emulator's
    const wrong = new Messenger({
      ...options,
      store,
      endpoint: 'http://127.0.0.1:9/nowhere',
      retry: { maxAttempts: 1 },
    });
    const report = await wrong.broadcast({ channels: ['all'] }, 'x');
    expect(report.failed.length).toBe(1);
  });

  it('warns once, with the fix, when requests come through a custom domain without the endpoint option', async () => {
    const logger = silentLogger();
    const app = new WebSocketApp({ logger, messaging: options }).route('x', { twoWay: true }, (ctx) =>
      ctx.send('hi').catch(() => 'failed'),
    );
    const { messageEvent } = await import('@wsapp/testing');
    await app.resolve(messageEvent({ action: 'x' }, { domainName: 'ws.example.com' }));
    await app.resolve(messageEvent({ action: 'x' }, { domainName: 'ws.example.com' }));
    const warnings = logger.warn.mock.calls.filter(([m]) => String(m).includes('custom domain'));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]?.[0])).toContain(
      "new WebSocketApp({ endpoint: 'https://ws.example.com/<base-path>' })",
    );
  });
});
