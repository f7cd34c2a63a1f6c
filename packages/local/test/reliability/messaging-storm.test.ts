/**
 * Reliability: management-endpoint faults mixed in one broadcast (a seeded 429 storm, persistent
 * 500s, 410 for a share of live ids, answers slower than the Lambda deadline, and connections whose
 * $disconnect never came), with exact accounting checked against what the emulator answered.
 * Complements ../messaging.test.ts, which covers each fault on its own.
 */
import { Messenger, WebSocketApp } from '@wsapp/core';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { connectionIdLike, TestClock } from '@wsapp/testing';
import { describe, expect, it } from 'vitest';
import { type Client, connect, settledStore, silentLogger, start } from '../helpers.js';
import { transports } from '../transports.js';

function channelApp(store: MemoryConnectionStore) {
  return new WebSocketApp({ store, logger: silentLogger() })
    .onConnect((ctx) => ctx.join('all'))
    .route('whoami', { twoWay: true }, (ctx) => ctx.connectionId);
}

async function openClients(url: string, n: number, batch = 100) {
  const clients: Array<{ client: Client; id: string; frames: number }> = [];
  for (let i = 0; i < n; i += batch) {
    const opened = await Promise.all(
      Array.from({ length: Math.min(batch, n - i) }, async () => {
        const client = await connect(url);
        client.send({ action: 'whoami' });
        const id = await client.text();
        const entry = { client, id, frames: 0 };
        client.ws.on('message', () => entry.frames++);
        return entry;
      }),
    );
    clients.push(...opened);
  }
  return clients;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

describe.each(transports)('mixed management-endpoint storm ($name)', { timeout: 60_000 }, ({ options }) => {
  it('429 storm + persistent 500s + 410 for a share + lost $disconnects: exact report against the emulator, nothing retried forever', async () => {
    const store = settledStore();
    const server = await start(channelApp(store));
    const clients = await openClients(server.url, 400);
    const ids = clients.map((c) => c.id);
    // 40 connections whose $disconnect never arrived: recorded, unknown to the gateway (410).
    const ghosts = Array.from({ length: 40 }, () => connectionIdLike());
    for (const id of ghosts) await store.register(id, { channels: ['all'], endpoint: server.endpoint });
    const gone410 = ids.slice(0, 40); // live sockets the gateway reports gone
    const failing500 = ids.slice(40, 60); // always 500
    const healthy = ids.slice(60);

    const maxAttempts = 4;
    server.stats.reset();
    // First matching rule applies: targeted faults first, then the seeded 429 storm for everyone else.
    server.faults.inject({ status: 410, connectionIds: gone410 });
    server.faults.inject({ status: 500, connectionIds: failing500 });
    // The storm covers the live sockets only: a ghost whose every attempt drew a 429 would count as
    // failed, not gone, and whether one does depends on the order the store pages in.
    const storm = server.faults.inject({ status: 429, ratio: 0.35, seed: 7, connectionIds: healthy });

    const messenger = new Messenger({
      ...options,
      store,
      endpoint: server.endpoint,
      concurrency: 50,
      retry: { maxAttempts, baseDelayMs: 5, maxDelayMs: 40 },
    });
    const started = Date.now();
    const report = await messenger.broadcast({ channels: ['all'] }, { storm: true });
    const elapsed = Date.now() - started;
    await settle();

    expect(report.attempted).toBe(440);
    expect(report.attempted).toBe(report.delivered + report.gone + report.failed.length);
    expect(report.gone).toBe(80);
    const failedIds = new Set(report.failed.map((f) => f.connectionId));
    for (const id of failing500) expect(failedIds.has(id), id).toBe(true);
    // A healthy connection fails only if the seeded storm answered 429 to every one of its attempts.
    const healthyFailed = report.failed.filter((f) => healthy.includes(f.connectionId));
    for (const f of report.failed) expect(f.error.name).toBe('SendFailedError');
    expect(report.delivered).toBe(healthy.length - healthyFailed.length);
    expect(report.failed).toHaveLength(failing500.length + healthyFailed.length);

    // Accounting against what the emulator really answered.
    const posts = (status: number) => server.stats.count({ method: 'POST', status });
    expect(posts(200)).toBe(report.delivered);
    expect(posts(410)).toBe(80); // each gone connection is asked once, never retried
    expect(posts(500)).toBe(failing500.length * maxAttempts); // bounded retries
    expect(posts(429)).toBe(storm.hits);
    expect(server.stats.count({ method: 'POST' })).toBe(posts(200) + posts(410) + posts(500) + posts(429));
    // Retries are bounded: at most maxAttempts calls per connection.
    expect(server.stats.count({ method: 'POST' })).toBeLessThanOrEqual(440 * maxAttempts);

    // Every delivery reached its socket exactly once; nobody else got a frame.
    const delivered = new Set(healthy.filter((id) => !failedIds.has(id)));
    for (const c of clients) expect(c.frames, c.id).toBe(delivered.has(c.id) ? 1 : 0);
    // Gone ones are removed from the store; the others stay.
    for (const id of [...ghosts, ...gone410]) expect(await store.get(id)).toBeUndefined();
    expect((await store.members('all', { limit: 1000 })).connectionIds).toHaveLength(360);
    console.log(
      `mixed storm: ${JSON.stringify({ ...report, failed: report.failed.length })} in ${elapsed} ms; ` +
        `emulator answered ${JSON.stringify(server.stats.snapshot().byMethodAndStatus)}`,
    );

    // Then slow answers beyond the Lambda deadline, inside the same storm: the deadline is kept.
    const slow = healthy.slice(0, 10);
    const fine = healthy.slice(10, 40);
    server.faults.clear();
    server.faults.inject({ delayMs: 10_000, connectionIds: slow });
    server.faults.inject({ status: 429, ratio: 0.35, seed: 8 });
    const t0 = Date.now();
    const late = await messenger.broadcast({ connectionIds: [...slow, ...fine] }, 'late', {
      lambdaContext: { awsRequestId: 'r', getRemainingTimeInMillis: () => 2_000 },
    });
    const lateMs = Date.now() - t0;
    expect(lateMs).toBeLessThan(2_000 + 1_000);
    expect(late.attempted).toBe(late.delivered + late.gone + late.failed.length);
    for (const id of slow) {
      expect(late.failed.find((f) => f.connectionId === id)?.error.name).toBe('DeadlineExceededError');
    }
    expect(late.delivered).toBeGreaterThan(0);
    console.log(`deadline 2000 ms (margin 1000) with 10 slow answers: returned in ${lateMs} ms`);
  });

  it('a lost $disconnect: the record expires on the store clock and broadcasts skip it; Gone cleanup removes it on first contact', async () => {
    const clock = new TestClock();
    const store = new MemoryConnectionStore({ clock: () => clock.now() });
    const server = await start(channelApp(store));
    const [alive, dying] = await openClients(server.url, 2);
    // The process behind `dying` is killed: the socket drops, but the gateway never tells the app.
    const lost = dying!.id;
    const lostRecord = await store.get(lost);
    dying!.client.ws.terminate();
    await settle();
    // Emulate the lost $disconnect: the app's record of it is back as if nothing had happened.
    if ((await store.get(lost)) === undefined) {
      await store.register(lost, { channels: ['all'], endpoint: server.endpoint });
    }
    expect(lostRecord).toBeDefined();
    const messenger = new Messenger({ ...options, store, endpoint: server.endpoint });
    // The connection lived a minute before its process died: past the connect grace.
    clock.advance(60_000);

    // First contact: the gateway answers 410, the record is removed, the report says gone.
    server.stats.reset();
    const first = await messenger.broadcast({ channels: ['all'] }, 'one');
    expect(first).toMatchObject({ attempted: 2, delivered: 1, gone: 1, failed: [] });
    expect(await store.get(lost)).toBeUndefined();
    expect(server.stats.count({ method: 'POST', status: 410 })).toBe(1);
    expect(await alive!.client.text()).toBe('one');

    // A second ghost, never contacted: once its TTL passes on the store clock, broadcasts skip it.
    const ghost = connectionIdLike();
    await store.register(ghost, { channels: ['all'], endpoint: server.endpoint, ttlSeconds: 60 });
    await store.touch(alive!.id, 7200);
    clock.advance(61_000);
    expect(await store.get(ghost)).toBeUndefined();
    server.stats.reset();
    const second = await messenger.broadcast({ channels: ['all'] }, 'two');
    expect(second).toMatchObject({ attempted: 1, delivered: 1, gone: 0, failed: [] });
    expect(server.stats.count({ method: 'POST' })).toBe(1); // no call for the expired ghost
    expect(await alive!.client.text()).toBe('two');
  });
});
