/**
 * Reliability: a SIGSTOPped redis-server (accepts, never answers) under a broadcast, with the
 * store's own command timeout (10 s) longer than the broadcast's deadline, so only the deadline
 * bounds it: a frozen `members()` returns a cursor at the deadline, a frozen `unregister` of the
 * gone connections is reported in `notRemoved`. After SIGCONT the same store resumes the broadcast.
 */
import { Messenger } from '@wsapp/core';
import { RedisConnectionStore } from '@wsapp/store-redis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startRedisProcess } from '../../../store-redis/test/redis-endpoints.js';
import { silentLogger } from '../helpers.js';
import { awsError, httpEndpoint } from './management-servers.js';

const TOLERANCE_MS = 1_000; // the machine is shared; measured overshoot is printed

describe('broadcast on a SIGSTOPped Redis', { timeout: 60_000 }, () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('frozen before paging: cursor at the deadline; frozen while removing gone ones: notRemoved', async () => {
    const redis = await startRedisProcess();
    cleanups.push(() => redis.kill());
    const ids = Array.from({ length: 40 }, (_, i) => `fz${i}=`);
    const gone = new Set(ids.slice(0, 10));
    const server = await httpEndpoint((_req, res, id) => {
      setTimeout(() => (gone.has(id) ? awsError(res, 410, 'GoneException') : res.writeHead(200).end()), 300);
    });
    cleanups.push(() => server.close());
    const store = new RedisConnectionStore({
      url: `redis://127.0.0.1:${redis.port}`,
      commandTimeoutMs: 10_000,
    });
    cleanups.push(() => store.close());
    for (const id of ids) await store.register(id, { channels: ['room'], endpoint: server.endpoint });
    const messenger = new Messenger({ store, endpoint: server.endpoint, logger: silentLogger() });

    // 1. Frozen before the first page.
    redis.freeze(true);
    let deadline = Date.now() + 1_200;
    const first = await messenger.broadcast({ channels: ['room'] }, 'x', { pageSize: 10, deadline });
    const overshoot1 = Date.now() - deadline;
    redis.freeze(false);
    expect(overshoot1).toBeLessThan(TOLERANCE_MS);
    expect(first).toMatchObject({ attempted: 0, failed: [] });
    expect(first.cursor).toBeDefined();

    // 2. Resumed after SIGCONT; frozen again once every call went out, while the 410s come back.
    deadline = Date.now() + 2_000;
    const second = messenger.broadcast({ channels: ['room'] }, 'x', {
      pageSize: 10,
      deadline,
      cursor: first.cursor as string,
    });
    await vi.waitFor(() => expect(server.arrivals).toHaveLength(40), { timeout: 5_000, interval: 5 });
    redis.freeze(true);
    const report = await second;
    const overshoot2 = Date.now() - deadline;
    redis.freeze(false);
    console.log(
      `SIGSTOPped Redis: members() frozen → cursor at deadline + ${overshoot1} ms; unregister frozen → ` +
        `${report.notRemoved.length} notRemoved at deadline + ${overshoot2} ms`,
    );
    expect(overshoot2).toBeLessThan(TOLERANCE_MS);
    expect(report).toMatchObject({ attempted: 40, delivered: 30, gone: 10, failed: [] });
    expect(report.cursor).toBeUndefined();
    expect([...report.notRemoved].sort()).toEqual([...gone].sort());
    expect(report.messageId).toBe(first.messageId);
    // Each connection was called once over both invocations.
    expect(new Set(server.arrivals.map((a) => a.connectionId)).size).toBe(40);
  });
});
