/**
 * Breaking "nothing half-written" under Redis out of memory (issue 26 item 9) on the session path.
 *
 * Promises attacked:
 * - store-redis README, Out of memory: "once `used_memory` is above `maxmemory`, no operation that
 *   may grow memory writes anything"; issue 26 item 9: "Writes past the limit must fail with
 *   `StoreUnavailableError` and leave nothing half-written."
 * - docs/reliability.md, Sessions: "the resuming `$connect`'s register write fails | the claim is
 *   given back, closed as it was: the same token resumes next time (before the fix: `expired`)".
 *
 * A resuming `$connect` is two writes: the session claim, then the record (`register`). Another
 * tenant of the same Redis fills it between the two (a plain `SET` that starts under `maxmemory`
 * and ends above it, which Redis accepts — the README's own "a write that starts below the limit
 * may end above it by its own size"). The register is then refused with OOM, correctly. The claim
 * must be given back (the README: "the same token resumes next time"); once memory is freed, the
 * token must resume. The store is the real one on a real `redis-server`; the wrapper only lets
 * the test act between the two calls, delegating every call to the store.
 *
 * fix-sessions: the session is now claimed by the connection's first resume request, not by
 * `$connect` (a connection the client never saw open must not use up the token), so a resuming
 * `$connect` reads the session, then writes the record. The same attack now fills the server after
 * that read (`readSession`), before the register: the register is refused for OOM and the same
 * token must still resume once memory is freed — the promise attacked is unchanged.
 */
import { type ConnectionStore, StoreUnavailableError, WebSocketApp } from '@wsapp/core';
import { RedisConnectionStore } from '@wsapp/store-redis';
import { connectEvent, disconnectEvent, messageEvent, silentLogger } from '@wsapp/testing';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { uniquePrefix } from './clients.js';
import { fillUntilOom, SCRIPT_FLAG_CASES, startSmallRedis } from './oom-filler.js';
import type { RedisProcess } from './redis-endpoints.js';

const SECRET = 'a session secret of at least 32 bytes!';
const authorizer = { principalId: 'alice' };
const servers: RedisProcess[] = [];
const clients: Redis[] = [];
afterAll(async () => {
  for (const c of clients) c.disconnect();
  for (const s of servers) await s.kill();
});

describe.each(SCRIPT_FLAG_CASES)(
  'Redis maxmemory 4mb noeviction, a resuming $connect refused by OOM (%s)',
  (_, scriptFlags) => {
    it('the claim is given back: once memory is freed the same token resumes with its channels', async () => {
      const { server, client, other } = await startSmallRedis();
      servers.push(server);
      clients.push(client, other);
      const real = new RedisConnectionStore({ client, keyPrefix: uniquePrefix(), scriptFlags });
      let fillAfterClaim = false;
      let filled: string[] = [];
      const store = new Proxy(real, {
        get(target, property, receiver) {
          const value = Reflect.get(target, property, receiver);
          if (typeof value !== 'function' || property === 'constructor') return value;
          if (property !== 'readSession') return (value as (...a: unknown[]) => unknown).bind(target);
          return async (...args: unknown[]) => {
            const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
            // Another tenant fills the server right after the session read, before the record is written.
            if (fillAfterClaim) {
              fillAfterClaim = false;
              filled = await fillUntilOom(other, 'after-claim');
            }
            return result;
          };
        },
      }) as ConnectionStore;
      const app = new WebSocketApp({
        store,
        logger: silentLogger(),
        history: { channels: ['room:*'] },
        sessions: { secret: SECRET },
      }).onConnect(async (ctx) => {
        if (ctx.query.rooms) await ctx.join(ctx.query.rooms.split(','));
      });
      const connect = (connectionId: string, query: Record<string, string>) =>
        app.resolve(connectEvent({ connectionId, query, authorizer }));
      const resume = async (connectionId: string) => {
        const response = await app.resolve(
          messageEvent({ action: 'resume', $rid: 'r' }, { connectionId, authorizer }),
        );
        return (
          JSON.parse(response.body ?? '{}') as {
            data: { token: string; resumed: boolean; channels: string[] };
          }
        ).data;
      };

      expect((await connect('c1=', { rooms: 'room:a' })).statusCode).toBe(200);
      const { token } = await resume('c1=');
      expect((await app.resolve(disconnectEvent({ connectionId: 'c1=', authorizer }))).statusCode).toBe(200);

      // The client reconnects with its token; the server fills up between the claim and the register.
      fillAfterClaim = true;
      const refused = await connect('c2=', { wsapp_session: token });
      expect(filled.length).toBeGreaterThan(0);
      // The register was refused (OOM): the connection is rejected, never accepted unrecorded.
      expect(refused.statusCode).not.toBe(200);
      await expect(real.register('probe=', {})).rejects.toBeInstanceOf(StoreUnavailableError);

      // The other tenant frees its keys; the client tries again with the same token.
      await other.del(...filled);
      expect((await connect('c3=', { wsapp_session: token })).statusCode).toBe(200);
      const back = await resume('c3=');
      console.log(
        `scriptFlags ${String(scriptFlags)}: $connect after the claim answered ${refused.statusCode}; ` +
          `the retry with the same token: ${JSON.stringify({ resumed: back.resumed, channels: back.channels, reason: (back as { reason?: string }).reason })}`,
      );
      expect(back.resumed).toBe(true);
      expect(back.channels).toEqual(['room:a']);
    });
  },
);
