/**
 * The `$connect` window (issue 26, item 6). API Gateway answers 410 for a connection whose
 * `$connect` is still running or has just returned and is not accepted yet, although `$connect`
 * has already written its record (API-GATEWAY.md, Management API). Gone-cleanup must never remove
 * that record: a 410 for a record younger than the connect grace keeps it, and the call is made
 * again until the connection is accepted, the grace passes, or the deadline comes.
 * Real sockets through the emulator, memory store; the other stores run the same load in
 * `connect-window.integration.test.ts`.
 */
import {
  ConnectionPendingError,
  DeadlineExceededError,
  Messenger,
  type MessengerOptions,
  WebSocketApp,
} from '@wsapp/core';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { connectionIdLike } from '@wsapp/testing';
import { describe, expect, it, vi } from 'vitest';
import { busyChannelWhileConnecting } from './connect-window-load.js';
import { connect, silentLogger, sockets, start } from './helpers.js';
import { transports } from './transports.js';

/** A promise with its resolve, to hold a `$connect` open until the test lets it return. */
function gate<T = void>() {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/**
 * An app whose `$connect` records the connection in `room` first, tells the test (`registered`),
 * then waits for `release` before returning: the window held open.
 */
async function heldConnect(
  store: MemoryConnectionStore,
  during?: (id: string, endpoint: string) => Promise<unknown>,
) {
  const registered = gate<string>();
  const release = gate();
  let endpoint = '';
  let seen: unknown;
  const app = new WebSocketApp({ store, autoTrack: false, logger: silentLogger() })
    .onConnect(async (ctx) => {
      await store.register(ctx.connectionId, { channels: ['room'], endpoint });
      if (during !== undefined) seen = await during(ctx.connectionId, endpoint).catch((e: unknown) => e);
      registered.open(ctx.connectionId);
      await release.promise;
    })
    .onDisconnect(async (ctx) => {
      await store.unregister(ctx.connectionId);
    });
  const server = await start(app);
  endpoint = server.endpoint;
  const opening = connect(server.url);
  const id = await registered.promise;
  return { server, id, opening, release: () => release.open(), seen: () => seen };
}

const messengerOf = (store: MemoryConnectionStore, endpoint: string, extra: Partial<MessengerOptions> = {}) =>
  new Messenger({ store, endpoint, logger: silentLogger(), ...extra });

describe('the emulator answers like API Gateway during $connect', () => {
  it('410 while $connect runs (POST, GET, DELETE), then 200 once the connection is accepted', async () => {
    const store = new MemoryConnectionStore();
    const held = await heldConnect(store, async (id, endpoint) => {
      const url = `${endpoint}/@connections/${encodeURIComponent(id)}`;
      return Promise.all([
        fetch(url, { method: 'POST', body: 'early' }).then((r) => r.status),
        fetch(url).then((r) => r.status),
        fetch(url, { method: 'DELETE' }).then((r) => r.status),
      ]);
    });
    expect(held.seen()).toEqual([410, 410, 410]);
    held.release();
    const client = await held.opening;
    const url = `${held.server.endpoint}/@connections/${encodeURIComponent(held.id)}`;
    expect((await fetch(url, { method: 'POST', body: 'late' })).status).toBe(200);
    expect(await client.text()).toBe('late');
  });
});

describe.each(transports)(
  'gone-cleanup and the connect window ($name)',
  { timeout: 60_000 },
  ({ options }) => {
    it('a broadcast meeting a connection in $connect keeps its record and delivers once it is accepted', async () => {
      const store = new MemoryConnectionStore();
      const held = await heldConnect(store);
      held.server.stats.reset();
      const broadcasting = messengerOf(store, held.server.endpoint, options).broadcast(
        { channels: ['room'] },
        'welcome',
      );
      // The gateway keeps answering 410 while $connect is held; the record stays.
      await vi.waitFor(
        () => expect(held.server.stats.count({ method: 'POST', status: 410 })).toBeGreaterThanOrEqual(2),
        {
          timeout: 5000,
        },
      );
      expect(await store.get(held.id)).toBeDefined();
      held.release();
      const client = await held.opening;
      const report = await broadcasting;
      expect(report).toMatchObject({ attempted: 1, delivered: 1, gone: 0, failed: [], notRemoved: [] });
      expect(await client.text()).toBe('welcome');
      expect(held.server.stats.count({ method: 'POST', status: 200 })).toBe(1);
      expect((await store.get(held.id))?.channels).toEqual(['room']);
    });

    it('send() during $connect answers sent once the connection is accepted', async () => {
      const store = new MemoryConnectionStore();
      const held = await heldConnect(store);
      const sending = messengerOf(store, held.server.endpoint, options).send(held.id, 'hello');
      await vi.waitFor(() =>
        expect(held.server.stats.count({ method: 'POST', status: 410 })).toBeGreaterThanOrEqual(1),
      );
      held.release();
      const client = await held.opening;
      expect(await sending).toBe('sent');
      expect(await client.text()).toBe('hello');
      expect(await store.get(held.id)).toBeDefined();
    });

    it('the deadline comes while $connect still runs: DeadlineExceededError, record kept, reachable after', async () => {
      const store = new MemoryConnectionStore();
      const held = await heldConnect(store);
      const messenger = messengerOf(store, held.server.endpoint, options);
      const started = Date.now();
      const report = await messenger.broadcast({ channels: ['room'] }, 'early', {
        deadline: Date.now() + 800,
      });
      expect(Date.now() - started).toBeLessThan(800 + 750);
      expect(report).toMatchObject({ attempted: 1, delivered: 0, gone: 0, notRemoved: [] });
      expect(report.failed.map((f) => f.error)).toEqual([expect.any(DeadlineExceededError)]);
      expect(report.failed[0]?.error.message).toMatch(/\$connect was not accepted yet/);
      expect(await store.get(held.id)).toBeDefined();
      held.release();
      const client = await held.opening;
      expect(await messenger.broadcast({ channels: ['room'] }, 'later')).toMatchObject({ delivered: 1 });
      expect(await client.text()).toBe('later');
    });

    it('waitForConnecting: false reports the connection pending at once and keeps its record', async () => {
      const store = new MemoryConnectionStore();
      const held = await heldConnect(store);
      const report = await messengerOf(store, held.server.endpoint, options).broadcast(
        { channels: ['room'] },
        'x',
        {
          waitForConnecting: false,
        },
      );
      expect(report).toMatchObject({ attempted: 1, delivered: 0, gone: 0 });
      expect(report.failed[0]?.error).toBeInstanceOf(ConnectionPendingError);
      expect(await store.get(held.id)).toBeDefined();
      held.release();
      await held.opening;
    });

    it('a young record whose connection never comes: called again until the grace passes, then removed', async () => {
      const store = new MemoryConnectionStore();
      const server = await start(
        new WebSocketApp({ store, logger: silentLogger() }).onConnect(() => undefined),
      );
      // A $connect that wrote its record and was then rejected: no socket behind it, ever.
      const ghost = connectionIdLike();
      await store.register(ghost, { channels: ['room'] });
      const messenger = messengerOf(store, server.endpoint, { ...options, connectGraceMs: 1200 });
      const started = Date.now();
      const report = await messenger.broadcast({ channels: ['room'] }, 'x');
      const took = Date.now() - started;
      console.log(
        `ghost young record: removed after ${took} ms (grace 1200 ms), ${server.stats.count({ method: 'POST', status: 410 })} calls`,
      );
      expect(report).toMatchObject({ attempted: 1, delivered: 0, gone: 1, failed: [], notRemoved: [] });
      expect(took).toBeGreaterThanOrEqual(1100);
      expect(await store.get(ghost)).toBeUndefined();
      expect(server.stats.count({ method: 'POST', status: 410 })).toBeGreaterThanOrEqual(2);
    });

    it('a connection that leaves during $connect: its $disconnect removes the record, the retries stop', async () => {
      const store = new MemoryConnectionStore();
      const held = await heldConnect(store);
      held.opening.catch(() => undefined);
      const started = Date.now();
      const broadcasting = messengerOf(store, held.server.endpoint, options).broadcast(
        { channels: ['room'] },
        'x',
      );
      await vi.waitFor(() =>
        expect(held.server.stats.count({ method: 'POST', status: 410 })).toBeGreaterThanOrEqual(1),
      );
      // The client gives up during the handshake; $connect then returns, and the emulator (like
      // API Gateway) reports the end with $disconnect, which unregisters the record.
      for (const ws of sockets) ws.terminate();
      held.release();
      const report = await broadcasting;
      expect(report).toMatchObject({ attempted: 1, delivered: 0, gone: 1, failed: [], notRemoved: [] });
      expect(await store.get(held.id)).toBeUndefined();
      // Stopped on the first 410 after the record went, not at the end of the 35 s grace.
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('connectGraceMs: 0 removes on the first 410, as before issue 26', async () => {
      const store = new MemoryConnectionStore();
      const held = await heldConnect(store);
      const report = await messengerOf(store, held.server.endpoint, {
        ...options,
        connectGraceMs: 0,
      }).broadcast({ channels: ['room'] }, 'x');
      expect(report).toMatchObject({ attempted: 1, delivered: 0, gone: 1, failed: [] });
      expect(await store.get(held.id)).toBeUndefined();
      held.release();
      await held.opening;
    });
  },
);

describe('handlers of $connect and $disconnect do not wait for each other', () => {
  it('two connections leaving together, each announcing it to the other in $disconnect: both gone at once', async () => {
    const store = new MemoryConnectionStore();
    const left: Array<{ failed: number; pending: number }> = [];
    const app = new WebSocketApp({ store, logger: silentLogger() })
      .onConnect((ctx) => ctx.join('room'))
      .onDisconnect(async (ctx) => {
        const report = await ctx.broadcast(
          { channels: ['room'], except: ctx.connectionId },
          { left: ctx.connectionId },
        );
        left.push({
          failed: report.failed.length,
          pending: report.failed.filter((f) => f.error instanceof ConnectionPendingError).length,
        });
      });
    const server = await start(app);
    const [a, b] = await Promise.all([connect(server.url), connect(server.url)]);
    const started = Date.now();
    a?.ws.close();
    b?.ws.close();
    // Each $disconnect meets the other connection closed but its record still there (young, and
    // removed only once the other $disconnect returns): waiting for it would hold both until the
    // deadline (28 s); they report it pending instead.
    await vi.waitFor(async () => expect((await store.members('room')).connectionIds).toEqual([]), {
      timeout: 10_000,
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(left).toHaveLength(2);
    for (const report of left) expect(report.failed).toBe(report.pending);
  });
});

describe('a busy channel broadcasting while clients connect (memory store)', () => {
  it('never loses the record of an accepted connection', { timeout: 120_000 }, async () => {
    const figures = await busyChannelWhileConnecting({
      label: 'memory store',
      store: new MemoryConnectionStore(),
      clients: 120,
      batch: 20,
    });
    expect(figures.lost).toBe(0);
    expect(figures.answered410).toBeGreaterThan(0);
  });
});
