/**
 * break-sessions-3: attacks on the session promises that held (memory store, through
 * `@wsapp/client`, the emulator and TCP relays). Registered by `break-sessions-3-held.test.ts`.
 * Deterministic: no random choice.
 */
import { describe, expect, it, vi } from 'vitest';
import { type CuttingRelay, startCuttingRelay, startIndexRelay } from './break-sessions-relay.js';
import { type Recorded, recordedClient, sleep, start, stop } from './helpers.js';
import { type Numbered, type sessionApi, sessionApp, userAuthorizer } from './session-fixture.js';

type Api = typeof sessionApi;

const numbers = (r: Recorded<Api>) => r.of('message').map((m) => (m as Numbered).n);

export function breakSessions3Held(): void {
  describe('break-sessions-3: attacks that held (memory)', { timeout: 20_000 }, () => {
    // core README, "Sessions", step 3: "of any number of connections presenting one token
    // **exactly one** resumes; one whose claim lost gets 'superseded' and keeps its channels as a
    // session of its own, starting then"; "The guarantee": what that session then misses reaches it
    // once or a gap is reported.
    it('two connections present one closed session token: the loser keeps the room as its own session and later resumes it, nothing lost or twice', async () => {
      const { app } = sessionApp();
      const server = await start(app, { authorizer: userAuthorizer });
      const relays: CuttingRelay[] = [
        await startCuttingRelay(server.port),
        await startCuttingRelay(server.port),
      ];
      try {
        const publisher = recordedClient<Api>(server.url, { query: { user: 'pub' } });
        let token: string | undefined;
        const first = recordedClient<Api>(server.url, {
          query: { user: 'ada' },
          session: {
            storage: {
              get: () => token,
              set: (t) => {
                token = t;
              },
            },
          },
        });
        await first.client.ready();
        await first.client.request('join', { room: 'a' });
        await vi.waitFor(() => expect(token).toBeDefined());
        first.client.close();
        await vi.waitFor(() => expect(server.connections.size).toBe(1), { timeout: 5000 });
        const presenting = relays.map((relay) => {
          let mine = token;
          return recordedClient<Api>(relay.via(server.url), {
            query: { user: 'ada' },
            backoff: { baseMs: 50, maxMs: 100 },
            session: {
              storage: {
                get: () => mine,
                set: (t) => {
                  mine = t;
                },
              },
            },
          });
        });
        await vi.waitFor(() => expect(presenting.every((p) => p.of('resumed').length === 1)).toBe(true), {
          timeout: 5000,
        });
        const outcomes = presenting.map((p) => p.of('resumed')[0]);
        expect(outcomes.filter((o) => o?.resumed === true)).toHaveLength(1);
        const lost = outcomes.findIndex((o) => o?.resumed !== true);
        expect(outcomes[lost]).toMatchObject({ reason: 'superseded', channels: ['room#a'] });
        const loser = presenting[lost] as Recorded<Api>;
        const relay = relays[lost] as CuttingRelay;
        await publisher.client.request('publish', { room: 'a', n: 1 });
        await vi.waitFor(() => expect(numbers(loser)).toEqual([1]));
        relay.down();
        relay.resetAll();
        await vi.waitFor(() => expect(server.connections.size).toBe(2), { timeout: 5000 });
        await publisher.client.request('publish', { room: 'a', n: 2 });
        relay.up();
        await vi.waitFor(() => expect(loser.of('resumed')).toHaveLength(2), { timeout: 5000 });
        await sleep(300);
        expect(loser.of('resumed')[1]).toMatchObject({ resumed: true, channels: ['room#a'] });
        expect(numbers(loser)).toEqual([1, 2]);
        expect(loser.of('gap')).toEqual([]);
      } finally {
        await Promise.all(relays.map((relay) => relay.close()));
        await stop(server);
      }
    });

    // client README, "Staying alive": during a replacement "what the app sends waits in the queue
    // … and goes out on the new connection"; core README, "The guarantee". Attack: the current
    // connection's network dies while the replacement's replay page is still being answered, so a
    // reconnect (with the replacement's token) races the replacement's switch.
    it("the current connection dies while the replacement replays: a request made then is answered OK, each room's message arrives once", async () => {
      const { app } = sessionApp();
      let hold = false;
      let held = false;
      app.use(async (ctx, next) => {
        const replay = (ctx.body as { replay?: unknown } | undefined)?.replay;
        if (ctx.routeKey === 'resume' && replay !== undefined && hold) {
          held = true;
          await sleep(1500);
        }
        return next();
      });
      const server = await start(app, { authorizer: userAuthorizer });
      const relay = await startIndexRelay(server.port);
      try {
        const publisher = recordedClient<Api>(server.url, { query: { user: 'pub' } });
        const sub = recordedClient<Api>(relay.via(server.url), {
          query: { user: 'ada' },
          session: true,
          rotateAfterMs: 800,
          backoff: { baseMs: 50, maxMs: 100 },
        });
        await sub.client.ready();
        await sub.client.request('channels', { join: ['room#a', 'lobby'] });
        hold = true;
        await vi.waitFor(() => expect(held).toBe(true), { timeout: 10_000 });
        hold = false;
        relay.cut(0); // the current connection; its replacement (1) is replaying
        const mid = await sub.client.request('channels', { join: ['room#b'] });
        expect(mid).toEqual({ ok: true });
        await sleep(1000);
        let n = 0;
        for (const channel of ['room#a', 'lobby', 'room#b'])
          await publisher.client.request('publishAll', { channels: [channel], n: ++n });
        await sleep(600);
        expect(numbers(sub)).toEqual([1, 2, 3]);
        expect(sub.client.state).toBe('open');
      } finally {
        await relay.close();
        await stop(server);
      }
    });
  });
}
