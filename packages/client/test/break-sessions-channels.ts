/**
 * break-sessions (issue 26 re-attack): a session in as many history channels as a connection may
 * hold (`maxChannelsPerConnection`, 1,000), every one of them with missed messages, through
 * `@wsapp/client` and the emulator, on any store.
 *
 * docs/reliability.md, "Sessions and history under attack": "a backlog up to `maxLength`
 * (≤ 10,000) is replayed in pages, each far inside API Gateway's 29 s and the client's timeout";
 * core README: "Bounded per request: a page plans on at most 1,000 entries per channel …, 16
 * channels at a time"; "A session's store record holds its channels …: up to the store's
 * `maxChannelsPerConnection` (memory and Redis 1,000 …)"; and every message appended while the
 * session was a member "reaches the client **exactly once**".
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BreakBackend } from './break-sessions-lifecycle.js';
import { type CuttingRelay, startCuttingRelay } from './break-sessions-relay.js';
import { type Recorded, recordedClient, start } from './helpers.js';
import { type Numbered, type sessionApi, sessionApp, userAuthorizer } from './session-fixture.js';

type Api = typeof sessionApi;

const relays: CuttingRelay[] = [];
afterEach(async () => {
  await Promise.all(relays.splice(0).map((relay) => relay.close()));
});

const received = (r: Recorded<Api>) =>
  r.of('message').map((m) => `${(m as Numbered).room}${(m as Numbered).n}`);

export function breakSessionsChannels(
  backend: BreakBackend,
  { channels: wanted, perChannel }: { channels: number; perChannel: number },
): void {
  const channels = wanted;
  describe(`break-sessions: a session in ${channels} history channels, each with missed messages (${backend.name})`, { timeout: 600_000 }, () => {
    it(`up to ${channels} channels (the store's maxChannelsPerConnection) × ${perChannel} missed: every page inside the client's 10 s timeout, every message once`, async () => {
      const { store } = await backend.make();
      // As many as the store lets one connection hold (DynamoDB: 726 with its defaults).
      const channels = Math.min(wanted, (store as { maxChannelsPerConnection?: number }).maxChannelsPerConnection ?? wanted);
      const fixture = sessionApp({ store, maxLength: 100 });
      const pageMs: number[] = [];
      fixture.app.use(async (ctx, next) => {
        if (ctx.routeKey !== 'resume') return next();
        const started = Date.now();
        try {
          return await next();
        } finally {
          pageMs.push(Date.now() - started);
        }
      });
      const server = await start(fixture.app, { authorizer: userAuthorizer });
      const relay = await startCuttingRelay(server.port);
      relays.push(relay);
      const sub = recordedClient<Api>(relay.via(server.url), {
        query: { user: 'ada' },
        session: true,
        backoff: { baseMs: 50, maxMs: 200 },
      });
      await sub.client.ready();
      const names = Array.from({ length: channels }, (_, i) => `room#c${i}`);
      for (let i = 0; i < names.length; i += 250) {
        await sub.client.request('channels', { join: names.slice(i, i + 250) }, { timeoutMs: 60_000 });
      }
      relay.down();
      relay.resetAll();
      await vi.waitFor(() => expect(server.connections.size).toBe(0), { timeout: 20_000 });
      // While away: perChannel messages to every channel, from "Lambdas", 25 at a time.
      const sends: Array<[string, number]> = [];
      for (let n = 1; n <= perChannel; n++) for (let c = 0; c < channels; c++) sends.push([`c${c}`, n]);
      for (let i = 0; i < sends.length; i += 25) {
        await Promise.all(
          sends.slice(i, i + 25).map(([room, n]) =>
            fixture.app.broadcast({ channels: [`room#${room}`] }, { room, n }, { endpoint: server.endpoint }),
          ),
        );
      }
      pageMs.length = 0;
      const started = Date.now();
      relay.up();
      await vi.waitFor(() => expect(sub.of('resumed')).toHaveLength(2), { timeout: 300_000, interval: 200 });
      const slowest = Math.max(...pageMs);
      console.info(
        `[break-sessions] ${backend.name}: ${channels}×${perChannel} missed: resumed in ${Date.now() - started} ms, ${pageMs.length} resume requests, slowest ${slowest} ms (${pageMs.join(',')}); ${received(sub).length} messages; errors ${JSON.stringify(sub.of('error')).slice(0, 300)}`,
      );
      expect(sub.of('error')).toEqual([]);
      expect(sub.of('resumed')[1]).toMatchObject({ resumed: true, gaps: [] });
      expect(new Set(received(sub)).size).toBe(sends.length);
      expect(received(sub)).toHaveLength(sends.length);
      // "far inside … the client's timeout" (10 s by default): a page must not come near it.
      expect(slowest).toBeLessThan(5_000);
    });
  });
}
