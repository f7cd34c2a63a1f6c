import { describe, expect, it, vi } from 'vitest';
import { startCuttingRelay } from './break-sessions-relay.js';
import { recordedClient, sleep, start } from './helpers.js';
import { type Numbered, type sessionApi, sessionApp, userAuthorizer } from './session-fixture.js';

// Client README, "Staying alive": before the 2-hour maximum the client opens a new connection,
// resumes, switches, closes the old one. A replacement that fails (its 101 lost on the way: a TCP
// relay resets it after the server accepted it) must not end the replacing: the current connection
// stays, and another replacement is tried, so the 2-hour close does not come first.

describe('a failed replacement is tried again', { timeout: 30_000 }, () => {
  it('the 101 of a replacement is lost: the old connection keeps receiving, a later replacement switches, nothing lost or twice', async () => {
    const { app } = sessionApp();
    const server = await start(app, { authorizer: userAuthorizer });
    const relay = await startCuttingRelay(server.port);
    try {
      const publisher = recordedClient<typeof sessionApi>(server.url, { query: { user: 'pub' } });
      const sub = recordedClient<typeof sessionApi>(relay.via(server.url), {
        query: { user: 'ada' },
        session: true,
        rotateAfterMs: 1000,
        backoff: { baseMs: 50, maxMs: 200 },
      });
      await sub.client.ready();
      await sub.client.request('join', { room: 'a' });
      relay.cutNext('before-101');
      await vi.waitFor(() => expect(relay.cuts).toBe(1), { timeout: 10_000 });
      await publisher.client.request('publish', { room: 'a', n: 1 });
      // The next replacement goes through (with the old code, none was tried until the 2-hour close).
      await vi.waitFor(() => expect(sub.of('open').filter((o) => o.rotated).length).toBeGreaterThan(0), {
        timeout: 10_000,
      });
      await publisher.client.request('publish', { room: 'a', n: 2 });
      await sleep(300);
      const got = sub.of('message').map((m) => (m as Numbered).n);
      expect(got).toEqual([1, 2]);
      expect(sub.of('open').filter((o) => !o.rotated)).toHaveLength(1); // never reconnected
    } finally {
      await relay.close();
    }
  });
});
