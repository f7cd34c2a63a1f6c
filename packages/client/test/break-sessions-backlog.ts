/**
 * break-sessions (issue 26 re-attack): a backlog just over `maxLength` (10,000, the documented
 * maximum), with management calls taking 20 ms, through `@wsapp/client` and the emulator.
 *
 * Core README, "The guarantee": "**Largest backlog**: a channel's log holds at most `maxLength`
 * (≤ 10,000) entries younger than `ttlSeconds`; all of them are replayed, in pages of up to 96 KB
 * of frames each. What a session missed beyond them is a gap." — every message "reaches the client
 * **exactly once** … or a gap is reported for it".
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BreakBackend } from './break-sessions-lifecycle.js';
import { type CuttingRelay, startCuttingRelay } from './break-sessions-relay.js';
import { recordedClient, start } from './helpers.js';
import { type Numbered, type sessionApi, sessionApp, userAuthorizer } from './session-fixture.js';

type Api = typeof sessionApi;

const relays: CuttingRelay[] = [];
afterEach(async () => {
  await Promise.all(relays.splice(0).map((relay) => relay.close()));
});

export function breakSessionsBacklog(backend: BreakBackend, { maxLength }: { maxLength: number }): void {
  describe(`break-sessions: a backlog just over maxLength (${backend.name})`, { timeout: 300_000 }, () => {
    it(`${maxLength + 1} missed with maxLength ${maxLength}: ${maxLength} replayed exactly once in order, one gap for the first`, async () => {
      const { store } = await backend.make();
      const fixture = sessionApp({ store, maxLength });
      const server = await start(fixture.app, { authorizer: userAuthorizer });
      const relay = await startCuttingRelay(server.port);
      relays.push(relay);
      const sub = recordedClient<Api>(relay.via(server.url), {
        query: { user: 'ada' },
        session: true,
        backoff: { baseMs: 50, maxMs: 200 },
      });
      await sub.client.ready();
      await sub.client.request('join', { room: 'a' });
      relay.down();
      relay.resetAll();
      await vi.waitFor(() => expect(server.connections.size).toBe(0), { timeout: 10_000 });
      const total = maxLength + 1;
      for (let n = 1; n <= total; n += 25) {
        const batch = Array.from({ length: Math.min(25, total - n + 1) }, (_, k) => n + k);
        await Promise.all(
          batch.map((k) =>
            fixture.app.broadcast({ channels: ['room#a'] }, { room: 'a', n: k }, { endpoint: server.endpoint }),
          ),
        );
      }
      server.faults.inject({ delayMs: 20 });
      const started = Date.now();
      relay.up();
      await vi.waitFor(() => expect(sub.of('resumed')).toHaveLength(2), { timeout: 120_000 });
      console.info(
        `[break-sessions] ${backend.name}: ${total} missed, resumed in ${Date.now() - started} ms: ${sub.of('message').length} messages, gaps ${JSON.stringify(sub.of('gap'))}, errors ${JSON.stringify(sub.of('error'))}`,
      );
      const seqs = sub.of('message').map((m) => (m as Numbered).$seq?.['room#a']);
      expect(seqs).toEqual(Array.from({ length: maxLength }, (_, k) => k + 2));
      expect(sub.of('resumed')[1]).toMatchObject({ resumed: true });
      expect(sub.of('gap')).toEqual([{ channel: 'room#a', since: 0, oldestSeq: 2, reason: 'lost' }]);
      expect(sub.of('error')).toEqual([]);
    });
  });
}
