/**
 * Breaking "nothing half-written" under Redis out of memory (issue 26 item 9) on a broadcast to two
 * history channels.
 *
 * Promises attacked:
 * - issue 26 item 9, as fixed: "Writes past the limit must fail with `StoreUnavailableError` and
 *   leave nothing half-written"; store-redis README: "once `used_memory` is above `maxmemory`, no
 *   operation that may grow memory writes anything".
 * - core README, Live frames: "A broadcast whose target includes history channels appends the
 *   message once per such channel …, **before** any send".
 *
 * Another tenant of the same Redis fills it between the broadcast's two appends (a plain `SET` that
 * starts under `maxmemory` and ends above it: Redis accepts it, the README's "a write that starts
 * below the limit may end above it by its own size"). The second append is refused with OOM and
 * the broadcast rejects with `StoreUnavailableError`, sending nothing, as it should. Expected: the
 * failed broadcast left the message in neither log (a client resuming later must not be replayed a
 * message whose broadcast failed and was never sent live). The store is the real one on a real
 * `redis-server`; the wrapper only orders the other tenant's write between the two appends and
 * delegates every call.
 *
 * Fixed: the messenger takes back the first append (`retractHistory`, which runs under OOM): room:a
 * keeps a "nothing here" marker at seq 1, no message; once memory is freed the next broadcast gets
 * seq 2 and a reader from 0 sees no gap. Run with and without `#!lua` flags (Redis < 7 scripts).
 */
import { type HistoryPage, historyGap, Messenger, StoreUnavailableError } from '@wsapp/core';
import { RedisConnectionStore } from '@wsapp/store-redis';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { uniquePrefix } from './clients.js';
import { fillUntilOom, SCRIPT_FLAG_CASES, startSmallRedis } from './oom-filler.js';
import type { RedisProcess } from './redis-endpoints.js';

const servers: RedisProcess[] = [];
const clients: Redis[] = [];
afterAll(async () => {
  for (const c of clients) c.disconnect();
  for (const s of servers) await s.kill();
});

describe.each(SCRIPT_FLAG_CASES)(
  'Redis maxmemory 4mb noeviction: a broadcast to two history channels refused half-way (%s)',
  (_, scriptFlags) => {
    it('rejects with StoreUnavailableError and leaves the message in neither log', async () => {
      const { server, client, other } = await startSmallRedis();
      servers.push(server);
      clients.push(client, other);
      const real = new RedisConnectionStore({ client, keyPrefix: uniquePrefix(), scriptFlags });
      let firstAppended: (() => void) | undefined;
      const firstDone = new Promise<void>((resolve) => (firstAppended = resolve));
      let filled = false;
      let fillers: string[] = [];
      const store = new Proxy(real, {
        get(target, property, receiver) {
          const value = Reflect.get(target, property, receiver);
          if (typeof value !== 'function' || property === 'constructor') return value;
          if (property !== 'appendHistory') return (value as (...a: unknown[]) => unknown).bind(target);
          return async (channel: string, ...rest: unknown[]) => {
            const append = () =>
              (value as (...a: unknown[]) => Promise<number>).apply(target, [channel, ...rest]);
            if (channel === 'room:a') {
              const seq = await append();
              // The other tenant's write lands on the server right after the first append.
              if (!filled) {
                filled = true;
                fillers = await fillUntilOom(other, 'history');
              }
              firstAppended?.();
              return seq;
            }
            await firstDone;
            return append();
          };
        },
      });
      await real.register('c1=', { channels: ['room:a', 'room:b'] });
      const messenger = new Messenger({
        store,
        endpoint: 'http://127.0.0.1:9/prod',
        history: { channels: ['room:*'] },
      });

      const error = await messenger.broadcast({ channels: ['room:a', 'room:b'] }, { text: 'hello' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StoreUnavailableError);
      const a = await real.readHistory('room:a', {});
      const b = await real.readHistory('room:b', {});
      const messages = (page: HistoryPage) => page.entries.filter((e) => !e.retracted).length;
      console.log(
        `broadcast: ${(error as Error).message.slice(0, 80)}…; room:a holds ${messages(a)} messages (${a.entries.length} entries), room:b holds ${messages(b)}`,
      );
      expect({ a: messages(a), b: messages(b) }).toEqual({ a: 0, b: 0 });
      expect(a.entries).toEqual([
        { seq: 1, messageId: expect.any(String), payload: '', at: expect.any(Number), retracted: true },
      ]);
      expect(historyGap(a, 0)).toBe(false);

      // Memory freed: the channel goes on after the retracted number, with no gap for a reader from 0.
      for (let i = 0; i < fillers.length; i += 500) await other.del(...fillers.slice(i, i + 500));
      await messenger.broadcast({ channels: ['room:a'] }, { text: 'later' });
      const after = await real.readHistory('room:a', {});
      expect(after.entries.map((e) => [e.seq, e.retracted === true])).toEqual([
        [1, true],
        [2, false],
      ]);
      expect(historyGap(after, 0)).toBe(false);
    });
  },
);
