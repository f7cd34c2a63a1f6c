/**
 * Reliability: a private redis-server is killed (SIGKILL) in the middle of a broadcast and in the
 * middle of a storm of joins. Every operation settles — with success or a StoreUnavailableError —
 * in bounded time; after the restart the store serves again, every acknowledged write is still
 * there (the server runs with `appendfsync always`), and no reader sees a membership without its
 * connection.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConnectionStore, StoreUnavailableError, WebSocketApp } from '@wsapp/core';
import { type LocalServer, serve } from '@wsapp/local';
import { RedisConnectionStore } from '@wsapp/store-redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { uniquePrefix } from '../clients.js';

/** Retries `work` until it succeeds, every 100 ms for at most 15 s (a restarted server catching up). */
const retried = <T>(work: () => Promise<T>) => vi.waitFor(work, { timeout: 15_000, interval: 100 });

import { type RedisProcess, startRedisProcess } from '../redis-endpoints.js';

const TIMEOUT_MS = 600;
/** Generous bound for "nothing hangs": the store deadline plus a busy 2-core machine's slack. */
const BOUND_MS = 5_000;

const quiet = () => ({ error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() });

/**
 * What readers see is consistent: every member of every channel is a live connection that lists
 * the channel, and every connection's channel lists it as a member.
 */
export async function assertConsistent(store: ConnectionStore, ids: string[], channels: string[]) {
  const problems: string[] = [];
  const records = new Map<string, string[]>();
  for (const id of ids) {
    const record = await store.get(id);
    if (record !== undefined) records.set(id, record.channels);
  }
  for (const channel of channels) {
    const members = new Set<string>();
    for await (const id of store.allMembers(channel)) members.add(id);
    for (const id of members) {
      if (!records.get(id)?.includes(channel)) problems.push(`${id} is a member of ${channel} without it`);
    }
    for (const [id, joined] of records) {
      if (joined.includes(channel) && !members.has(id)) problems.push(`${id} lists ${channel}, not a member`);
    }
  }
  expect(problems).toEqual([]);
  return records;
}

describe('Redis killed and restarted under load', () => {
  let redis: RedisProcess;
  let dir: string;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wsapp-redis-faults-'));
    // Durable acknowledged writes, so "nothing lost" is checkable across a SIGKILL.
    redis = await startRedisProcess(undefined, [
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--dir',
      dir,
    ]);
    url = `redis://127.0.0.1:${redis.port}`;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a broadcast fails with StoreUnavailableError in bounded time; after restart it delivers to everyone', async () => {
    const store = new RedisConnectionStore({ url, keyPrefix: uniquePrefix(), commandTimeoutMs: TIMEOUT_MS });
    const app = new WebSocketApp({ store, logger: quiet() }).onConnect((ctx) => ctx.join('room'));
    let server: LocalServer | undefined;
    const sockets: WebSocket[] = [];
    try {
      server = await serve(app, { logger: quiet() });
      const url0 = server.url;
      for (let i = 0; i < 150; i += 50) {
        sockets.push(
          ...(await Promise.all(
            Array.from(
              { length: 50 },
              () =>
                new Promise<WebSocket>((resolve, reject) => {
                  const ws = new WebSocket(url0);
                  ws.once('open', () => resolve(ws));
                  ws.once('error', reject);
                }),
            ),
          )),
        );
      }
      let received = 0;
      for (const ws of sockets) ws.on('message', () => received++);
      const ids = server.connections.ids();
      expect(ids).toHaveLength(150);

      // Slow management answers and small pages: the broadcast is still paging when Redis dies.
      const slow = server.faults.inject({ delayMs: 30, methods: ['POST'] });
      const started = Date.now();
      const broadcast = app.broadcast({ channels: ['room'] }, { n: 1 }, { pageSize: 10 }).then(
        (report) => ({ report, error: undefined }),
        (error: unknown) => ({ report: undefined, error }),
      );
      await new Promise((r) => setTimeout(r, 80));
      await redis.kill();
      const outcome = await broadcast;
      const elapsed = Date.now() - started;
      expect(elapsed).toBeLessThan(BOUND_MS);
      console.log(
        `broadcast across a Redis SIGKILL settled in ${elapsed} ms: ` +
          (outcome.error === undefined ? JSON.stringify(outcome.report) : String(outcome.error)),
      );
      // Either the paging read failed (the whole broadcast rejects with the store's error) or it had
      // finished paging and only deliveries ran: then the report accounts for every connection.
      if (outcome.error !== undefined) {
        expect(outcome.error).toBeInstanceOf(StoreUnavailableError);
        expect((outcome.error as Error).message).toMatch(/Redis/);
      } else {
        const r = outcome.report!;
        expect(r.attempted).toBe(r.delivered + r.gone + r.failed.length);
      }
      slow.remove();

      await redis.restart();
      await retried(() => store.get(ids[0]!));
      await assertConsistent(store, ids, ['room']);
      // Nothing was lost: all 150 are still members, and a new broadcast reaches each once.
      expect((await store.members('room', { limit: 1000 })).connectionIds.sort()).toEqual([...ids].sort());
      await new Promise((r) => setTimeout(r, 200)); // let in-flight frames of the first broadcast land
      const before = received;
      const report = await app.broadcast({ channels: ['room'] }, { n: 2 });
      expect(report).toMatchObject({ attempted: 150, delivered: 150, gone: 0, failed: [] });
      await vi.waitFor(() => expect(received - before).toBe(150));
    } finally {
      for (const ws of sockets) ws.terminate();
      await server?.close();
      await store.close();
    }
  });

  it('a storm of joins: each settles in bounded time, acknowledged joins survive, no orphan membership', async () => {
    const store = new RedisConnectionStore({ url, keyPrefix: uniquePrefix(), commandTimeoutMs: TIMEOUT_MS });
    try {
      await retried(() => store.get('probe='));
      const ids = Array.from({ length: 200 }, (_, i) => `conn-${i}=`);
      const channels = ['a', 'b', 'c', 'd'];
      for (const id of ids) await store.register(id, { channels: ['a'] });

      const acknowledged = new Map<string, Set<string>>(ids.map((id) => [id, new Set(['a'])]));
      /** `id channel` pairs whose last write failed: applied or not, the client cannot know. */
      const uncertain = new Set<string>();
      const durations: number[] = [];
      const errors: unknown[] = [];
      let stop = false;
      // 200 workers keep joining and leaving b, c, d until told to stop ('a' is only ever joined).
      const workers = ids.map(async (id, i) => {
        for (let round = 0; !stop && round < 1000; round++) {
          const channel = channels[(i + round) % channels.length]!;
          const leave = round % 3 === 2 && channel !== 'a';
          const t0 = Date.now();
          try {
            if (leave) await store.leave(id, [channel]);
            else await store.join(id, [channel]);
            if (leave) acknowledged.get(id)!.delete(channel);
            else acknowledged.get(id)!.add(channel);
            uncertain.delete(`${id} ${channel}`);
          } catch (error) {
            errors.push(error);
            uncertain.add(`${id} ${channel}`);
            await new Promise((r) => setTimeout(r, 50));
          } finally {
            durations.push(Date.now() - t0);
          }
        }
      });
      await new Promise((r) => setTimeout(r, 300));
      await redis.kill();
      await new Promise((r) => setTimeout(r, 1_500));
      await redis.restart();
      await retried(() => store.get(ids[0]!));
      await new Promise((r) => setTimeout(r, 300));
      stop = true;
      await Promise.all(workers);

      expect(errors.length).toBeGreaterThan(0);
      for (const error of errors) expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(Math.max(...durations)).toBeLessThan(BOUND_MS);

      const records = await assertConsistent(store, ids, channels);
      // Every acknowledged state is what the store holds, except channels whose last write failed.
      expect(records.size).toBe(ids.length);
      for (const id of ids) {
        const held = new Set(records.get(id));
        for (const channel of channels) {
          if (uncertain.has(`${id} ${channel}`)) continue;
          expect(held.has(channel), `${id} ${channel}`).toBe(acknowledged.get(id)!.has(channel));
        }
      }
      console.log(
        `join storm across a Redis SIGKILL: ${durations.length} operations, ${errors.length} StoreUnavailableError, ` +
          `slowest ${Math.max(...durations)} ms`,
      );
    } finally {
      await store.close();
    }
  });
});
