import { describe, expect, it, vi } from 'vitest';
import { sessionBackends } from '../../local/test/session-backends.js';
import { startCuttingRelay } from './break-sessions-relay.js';
import { recordedClient, sleep, start, stop } from './helpers.js';
import { type Numbered, type sessionApi, sessionApp, userAuthorizer } from './session-fixture.js';

// client README, "Sessions": the storage option — "localStorage is shared by an origin's tabs: a
// second tab presenting the same token gets `superseded` and a session of its own". core README,
// "The guarantee": every message appended to a history channel while the session was a member
// "reaches the client exactly once … or a gap is reported for it, provided the client resumes
// within the resume window". Attack: the second tab is superseded as promised; then the FIRST tab
// (whose session it is) drops and comes back a moment later, well within the window. Deterministic:
// no random choice.

type Api = typeof sessionApi;

for (const backend of sessionBackends) {
  describe(`break-sessions-3: tabs sharing the token storage (${backend.name})`, { timeout: 30_000 }, () => {
    it('after a second tab was superseded, the first tab drops and resumes its own session: what it missed arrives once or a gap is reported', async () => {
      console.log('break-sessions-3 shared-storage: no seed (no random choice)');
      const { app } = sessionApp({ store: (await backend.make()).store });
      const server = await start(app, { authorizer: userAuthorizer });
      const relay = await startCuttingRelay(server.port);
      try {
        let shared: string | undefined; // one origin's localStorage
        const storage = {
          get: () => shared,
          set: (token: string) => {
            shared = token;
          },
        };
        const publisher = recordedClient<Api>(server.url, { query: { user: 'pub' } });
        const tab1 = recordedClient<Api>(relay.via(server.url), {
          query: { user: 'ada' },
          session: { storage },
          backoff: { baseMs: 50, maxMs: 200 },
        });
        await tab1.client.ready();
        await tab1.client.request('join', { room: 'a' });
        await publisher.client.request('publish', { room: 'a', n: 1 });
        // The user opens a second tab of the app: superseded, a session of its own (promised).
        const tab2 = recordedClient<Api>(server.url, { query: { user: 'ada' }, session: { storage } });
        await vi.waitFor(() => expect(tab2.of('resumed').length).toBe(1), { timeout: 10_000 });
        expect(tab2.of('resumed')[0]).toMatchObject({ resumed: false, reason: 'superseded' });
        // Tab 1's network drops; a2 is said while it is away; it comes back.
        relay.down();
        relay.resetAll();
        await vi.waitFor(() => expect(server.connections.size).toBe(2), { timeout: 10_000 });
        await publisher.client.request('publish', { room: 'a', n: 2 });
        relay.up();
        await vi.waitFor(() => expect(tab1.of('resumed').length).toBe(2), { timeout: 10_000 });
        await sleep(500);
        const got = tab1.of('message').map((m) => `${(m as Numbered).room}${(m as Numbered).n}`);
        const gaps = tab1.of('gap');
        console.log(
          `break-sessions-3 shared-storage (${backend.name}): tab 1 resumed ${JSON.stringify(tab1.of('resumed')[1])}; received ${JSON.stringify(got)}; gaps ${JSON.stringify(gaps)}`,
        );
        expect(got.includes('a2') || gaps.some((g) => g.channel === 'room#a')).toBe(true);
        expect(got.filter((m) => m === 'a2').length).toBeLessThanOrEqual(1);
      } finally {
        await relay.close();
        await stop(server);
      }
    });
  });
}
