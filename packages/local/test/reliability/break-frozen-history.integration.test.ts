/**
 * Breaking "the deadline bounds everything" (core README, Messenger) with a history channel on a
 * SIGSTOPped redis-server (accepts, never answers; issue 26 brief: SIGSTOP of Redis mid-broadcast,
 * deadline respected?).
 *
 * Promise: "**The deadline bounds everything** (`deadline`, or `lambdaContext` minus
 * `deadlineMarginMs`): management calls, the endpoint lookups, member pages and the removal of gone
 * connections are all cut off at the deadline, even if the store or the transport never answers."
 * A broadcast to a history channel first appends the message to the channel's log ("appends the
 * message once per such channel … before any send"): with the store frozen, that append never
 * answers. Expected: `broadcast()` settles (answers or throws) by its deadline, as it does for a
 * frozen `members()` page (`broadcast-frozen-redis.integration.test.ts`). The store's own command
 * timeout (10 s) is longer than the deadline, so only the deadline can bound it.
 */
import { Messenger } from '@wsapp/core';
import { RedisConnectionStore } from '@wsapp/store-redis';
import { afterAll, describe, expect, it } from 'vitest';
import { startRedisProcess } from '../../../store-redis/test/redis-endpoints.js';
import { silentLogger } from '../helpers.js';
import { httpEndpoint } from './management-servers.js';

const TOLERANCE_MS = 1_000; // the machine is shared; the measured overshoot is printed

describe('broadcast to a history channel on a SIGSTOPped Redis', { timeout: 60_000 }, () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it.each([
    ['a channel with history', ['room:a']],
    ['a plain channel and a history channel', ['plain', 'room:a']],
  ])('%s: settles by the deadline', async (_, channels) => {
    const redis = await startRedisProcess();
    cleanups.push(() => redis.kill());
    const server = await httpEndpoint((_req, res) => res.writeHead(200).end());
    cleanups.push(() => server.close());
    const store = new RedisConnectionStore({
      url: `redis://127.0.0.1:${redis.port}`,
      commandTimeoutMs: 10_000,
    });
    cleanups.push(() => store.close());
    for (let i = 0; i < 10; i++) await store.register(`h${i}=`, { channels, endpoint: server.endpoint });
    const messenger = new Messenger({
      store,
      endpoint: server.endpoint,
      logger: silentLogger(),
      history: { channels: ['room:*'] },
    });
    // Warm: one broadcast while Redis answers (scripts loaded, connection open).
    await messenger.broadcast({ channels }, { n: 0 });

    redis.freeze(true);
    const deadline = Date.now() + 1_200;
    const outcome = await messenger.broadcast({ channels }, { n: 1 }, { deadline }).then(
      (report) => `answered (attempted ${report.attempted}, cursor ${report.cursor !== undefined})`,
      (error: unknown) => `threw ${(error as Error).name}`,
    );
    const overshoot = Date.now() - deadline;
    redis.freeze(false);
    console.log(`${channels.join(', ')}: broadcast ${outcome} ${overshoot} ms after its deadline`);
    expect(overshoot).toBeLessThan(TOLERANCE_MS);
  });
});
