/**
 * Attack on gone-cleanup by age (issue 26 item 6): the store fails while a broadcast is deciding
 * what a 410 for a connection in `$connect` means. Real sockets through the emulator, a real
 * redis-server of this file's own, frozen with SIGSTOP (accepts, never answers; the store's
 * command timeout makes each call fail with `StoreUnavailableError`).
 *
 * Promises (core README, Messenger):
 * - `gone: number; // 410 (and a record older than connectGraceMs, or none): removed from the store…`
 * - "A 410 for a younger record keeps it, and the call is made again … until: API Gateway accepts
 *   the connection: `delivered` …; the record is gone …: `gone` at once; the record has grown older
 *   than `connectGraceMs` …: `gone` …; the deadline comes first: in `failed` with a
 *   `DeadlineExceededError` … (a fan-out worker re-enqueues it like any connection the deadline
 *   cut off)."
 * A connection whose `$connect` is still running is not gone: its record is young and it is
 * accepted a moment later. Whatever the store does, the report must not call it `gone` (a fan-out
 * worker re-enqueues only `failed` deadline cut-offs; a `gone` one never receives the message).
 */
import { Messenger, WebSocketApp } from '@wsapp/core';
import { RedisConnectionStore } from '@wsapp/store-redis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startRedisProcess } from '../../store-redis/test/redis-endpoints.js';
import { connect, silentLogger, start } from './helpers.js';

function gate<T = void>() {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('a store failure while a broadcast waits for a connection in $connect', { timeout: 60_000 }, () => {
  it.each([
    ['frozen while the connection is being called again', 2],
    ['frozen at the first 410', 1],
  ])('%s: the connection, accepted a moment later, is not reported gone', async (_, freezeAfter410s) => {
    const redis = await startRedisProcess();
    cleanups.push(() => redis.kill());
    const store = new RedisConnectionStore({ url: `redis://127.0.0.1:${redis.port}`, commandTimeoutMs: 300 });
    cleanups.push(() => store.close());
    const registered = gate<string>();
    const release = gate();
    let endpoint = '';
    const app = new WebSocketApp({ store, autoTrack: false, logger: silentLogger() })
      .onConnect(async (ctx) => {
        await store.register(ctx.connectionId, { channels: ['room'], endpoint });
        registered.open(ctx.connectionId);
        await release.promise; // $connect still running: the gateway answers 410
      })
      .onDisconnect(async (ctx) => {
        await store.unregister(ctx.connectionId).catch(() => undefined);
      });
    const server = await start(app);
    endpoint = server.endpoint;
    const opening = connect(server.url);
    const id = await registered.promise;

    const messenger = new Messenger({ store, endpoint, logger: silentLogger() });
    server.stats.reset();
    const broadcasting = messenger.broadcast({ channels: ['room'] }, 'welcome', {
      deadline: Date.now() + 8000,
    });
    await vi.waitFor(
      () =>
        expect(server.stats.count({ method: 'POST', status: 410 })).toBeGreaterThanOrEqual(freezeAfter410s),
      { timeout: 5000, interval: 1 },
    );
    redis.freeze(true);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    redis.freeze(false);
    release.open();
    const client = await opening;
    const report = await broadcasting;
    const received: string[] = [];
    client.ws.on('message', (data) => received.push(String(data)));
    await new Promise((resolve) => setTimeout(resolve, 300));
    console.log(
      `freeze after ${freezeAfter410s} x 410: report ${JSON.stringify({ ...report, failed: report.failed.map((f) => f.error.name) })}; ` +
        `410s ${server.stats.count({ method: 'POST', status: 410 })}, 200s ${server.stats.count({ method: 'POST', status: 200 })}; ` +
        `record kept: ${(await store.get(id)) !== undefined}`,
    );
    expect(report.attempted).toBe(report.delivered + report.gone + report.failed.length);
    // Alive and accepted: delivered, or failed — never gone.
    expect(report.gone).toBe(0);
    expect(await store.get(id)).toBeDefined();
  });
  it("send() to a connection in $connect while the store is frozen: not 'gone' (it is accepted a moment later)", async () => {
    const redis = await startRedisProcess();
    cleanups.push(() => redis.kill());
    const store = new RedisConnectionStore({ url: `redis://127.0.0.1:${redis.port}`, commandTimeoutMs: 300 });
    cleanups.push(() => store.close());
    const registered = gate<string>();
    const release = gate();
    let endpoint = '';
    const app = new WebSocketApp({ store, autoTrack: false, logger: silentLogger() }).onConnect(
      async (ctx) => {
        await store.register(ctx.connectionId, { channels: ['room'], endpoint });
        registered.open(ctx.connectionId);
        await release.promise;
      },
    );
    const server = await start(app);
    endpoint = server.endpoint;
    const opening = connect(server.url);
    const id = await registered.promise;
    const messenger = new Messenger({ store, endpoint, logger: silentLogger() });
    server.stats.reset();
    const sending = messenger.send(id, 'hello', { deadline: Date.now() + 8000 }).then(
      (outcome) => outcome,
      (error: unknown) => `threw ${(error as Error).name}`,
    );
    await vi.waitFor(
      () => expect(server.stats.count({ method: 'POST', status: 410 })).toBeGreaterThanOrEqual(1),
      {
        timeout: 5000,
        interval: 1,
      },
    );
    redis.freeze(true);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    redis.freeze(false);
    release.open();
    await opening;
    const outcome = await sending;
    console.log(`send() with the store frozen at the first 410: ${outcome}`);
    expect(outcome).not.toBe('gone');
  });
});
