/**
 * break-sessions-2 (issue 26, second re-attack, on the fix-sessions code): the new mechanisms — a
 * record removed without a snapshot resuming "the channels the session recorded", the client's
 * channel bound kept off by pruning, a log that restarts — through `@wsapp/client` and the
 * emulator, on any store. Each test quotes the documented promise it holds the code to; expected
 * values come from the READMEs, not from the code. Registered by `break-sessions-2-promises.test.ts`
 * (memory) and `break-sessions-2-promises.integration.test.ts` (Redis, Redis Cluster, DynamoDB Local).
 * The attacks on the server's session mechanisms, which now hold: `break-sessions-2-server.ts`.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BreakBackend } from './break-sessions-lifecycle.js';
import { type CuttingRelay, startCuttingRelay } from './break-sessions-relay.js';
import { type Recorded, recordedClient, sleep, start } from './helpers.js';
import { type Numbered, type sessionApi, sessionApp, userAuthorizer } from './session-fixture.js';

type Api = typeof sessionApi;

const relays: CuttingRelay[] = [];
afterEach(async () => {
  await Promise.all(relays.splice(0).map((relay) => relay.close()));
});

const received = (r: Recorded<Api>) =>
  r.of('message').map((m) => `${(m as Numbered).room}${(m as Numbered).n}`);

/** Each item that appears more than once, with its count. */
function repeated(items: string[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return Object.fromEntries([...counts].filter(([, n]) => n > 1));
}

export function breakSessions2(backend: BreakBackend): void {
  describe(`break-sessions-2: the fix-sessions mechanisms (${backend.name})`, { timeout: 240_000 }, () => {
    // client README, "Sessions", step 4: "then `resumed` is emitted, then the live history frames
    // that arrived meanwhile (held, at most 1,000: more are dropped and fetched by the replay
    // instead)". Core README, "Live frames": a frame carries `$seq` of "all history channels of the
    // target". A user in `lobby` (no history) and room a resumes while announcements to `lobby`
    // and `room#news` (a history room she is not in) pour in: each one sent to her connection
    // must be emitted, held or fetched.
    it('more than 1,000 announcements (lobby + a history room she is not in) during a resume: none is lost', async () => {
      const { store } = await backend.make();
      const fixture = sessionApp({ store, maxLength: 2000 });
      const server = await start(fixture.app, { authorizer: userAuthorizer });
      const relay = await startCuttingRelay(server.port);
      relays.push(relay);
      const sub = recordedClient<Api>(relay.via(server.url), {
        query: { user: 'ada' },
        session: true,
        backoff: { baseMs: 50, maxMs: 200 },
      });
      await sub.client.ready();
      await sub.client.request('channels', { join: ['lobby', 'room#a'] });
      // A drop (its $disconnect done: the reconnect rejoins lobby in its $connect write); the
      // reconnect's resume request takes a while (held here).
      relay.down();
      relay.resetAll();
      await vi.waitFor(async () => expect((await store.members('lobby')).connectionIds).toEqual([]), {
        timeout: 20_000,
      });
      fixture.holdResumes();
      relay.up();
      await vi.waitFor(() => expect(fixture.resumesHeld).toHaveBeenCalled(), { timeout: 20_000 });
      expect((await store.members('lobby')).connectionIds).toHaveLength(1);
      const total = 1100;
      for (let k = 0; k < total; k += 25) {
        await Promise.all(
          Array.from({ length: Math.min(25, total - k) }, (_, j) =>
            fixture.app.broadcast(
              { channels: ['lobby', 'room#news'] },
              { room: 'announce', n: k + j + 1 },
              { endpoint: server.endpoint },
            ),
          ),
        );
      }
      fixture.releaseResumes();
      await vi.waitFor(() => expect(sub.of('resumed').length).toBeGreaterThanOrEqual(2), { timeout: 30_000 });
      await sleep(1500);
      const got = received(sub).filter((m) => m.startsWith('announce'));
      console.info(
        `[break-sessions-2] ${backend.name}: ${got.length} of ${total} announcements during a resume emitted; resumed ${JSON.stringify(sub.of('resumed').at(-1)).slice(0, 200)}`,
      );
      expect(new Set(got).size).toBe(got.length);
      expect(got).toHaveLength(total);
    });

    // client README, "Sessions": "What the client holds is bounded, and never forgotten while it
    // matters …: per channel a list of ranges (when a channel has more than 16 holes … it asks
    // for a replay while connected, at most every 5 s, which fills them; a live frame that would
    // make a 257th range is not emitted then, the replay brings it)". Core README, "Live frames":
    // a broadcast's frame carries `$seq` of "all history channels of the target" — also to members
    // reached through another channel of the target. A user in `lobby` (no history) receives
    // announcements broadcast to `lobby` and `room#news` (a history room she is not in, busy with
    // other messages): every announcement she is sent must be emitted.
    it('announcements to a channel without history and a busy history room she is not in: none is held back for good', async () => {
      const { store } = await backend.make();
      const fixture = sessionApp({ store, maxLength: 2000 });
      const server = await start(fixture.app, { authorizer: userAuthorizer });
      const sub = recordedClient<Api>(server.url, {
        query: { user: 'ada' },
        session: true,
        backoff: { baseMs: 50, maxMs: 200 },
      });
      await sub.client.ready();
      await sub.client.request('channels', { join: ['lobby'] });
      const total = 400;
      for (let n = 1; n <= total; n++) {
        // Room news has its own traffic between two announcements.
        await fixture.app.broadcast(
          { channels: ['room#news'] },
          { room: 'news', n },
          { endpoint: server.endpoint },
        );
        await fixture.app.broadcast(
          { channels: ['lobby', 'room#news'] },
          { room: 'announce', n },
          { endpoint: server.endpoint },
        );
      }
      await sleep(7000); // the client's hole-filling replay (at most every 5 s) has run
      const got = received(sub).filter((m) => m.startsWith('announce'));
      console.info(
        `[break-sessions-2] ${backend.name}: ${got.length} of ${total} announcements emitted; errors ${JSON.stringify(sub.of('error')).slice(0, 200)}`,
      );
      expect(new Set(got).size).toBe(got.length);
      expect(got).toHaveLength(total);
    });

    // client README, "Sessions": "What the client holds is bounded, and never forgotten while it
    // matters (forgetting would let messages arrive twice): … for at most 4,096 channels (frames
    // name every history channel of a broadcast, also ones the session is not in: past 2,048 the
    // client asks for a replay, whose `drop` prunes those)"; core README, "Live frames": a frame
    // carries `$seq` of "all history channels of the target"; "The guarantee": every message
    // "reaches the client **exactly once**". One announcement to many rooms (an app with 4,200
    // rooms greeting all of them) names more channels in one frame than the pruning can keep up
    // with: the quiet room the session is in must not be forgotten and replayed twice.
    it('one announcement naming 4,200 history channels: a quiet room of the session is not replayed twice', async () => {
      const { store } = await backend.make();
      const fixture = sessionApp({ store, maxLength: 2000 });
      const server = await start(fixture.app, { authorizer: userAuthorizer });
      const relay = await startCuttingRelay(server.port);
      relays.push(relay);
      const publisher = recordedClient<Api>(server.url, { query: { user: 'pub' } });
      const sub = recordedClient<Api>(relay.via(server.url), {
        query: { user: 'ada' },
        session: true,
        backoff: { baseMs: 50, maxMs: 200 },
      });
      await sub.client.ready();
      await sub.client.request('join', { room: 'a' });
      await sub.client.request('join', { room: 'b' });
      for (let n = 1; n <= 5; n++) await publisher.client.request('publish', { room: 'a', n });
      await vi.waitFor(() => expect(received(sub)).toHaveLength(5));
      // A busy room b: 1,050 messages (more than the client's 1,000 remembered message ids).
      const busy = 1050;
      for (let k = 0; k < busy; k += 25) {
        await Promise.all(
          Array.from({ length: Math.min(25, busy - k) }, (_, j) =>
            fixture.app.broadcast(
              { channels: ['room#b'] },
              { room: 'b', n: k + j + 1 },
              { endpoint: server.endpoint },
            ),
          ),
        );
      }
      await vi.waitFor(() => expect(received(sub)).toHaveLength(5 + busy), { timeout: 60_000 });
      // One announcement to room b and 4,200 rooms the session is not in.
      const others = Array.from({ length: 4200 }, (_, i) => `room#x${i}`);
      await fixture.app.broadcast(
        { channels: ['room#b', ...others] },
        { room: 'b', n: busy + 1 },
        { endpoint: server.endpoint },
      );
      await vi.waitFor(() => expect(received(sub).length).toBeGreaterThanOrEqual(5 + busy + 1), {
        timeout: 60_000,
      });
      await sleep(1000); // the pruning replay, if any, runs
      // A drop and a resume.
      relay.resetAll();
      await vi.waitFor(() => expect(sub.of('resumed').length).toBeGreaterThanOrEqual(2), {
        timeout: 60_000,
      });
      await sleep(800);
      console.info(
        `[break-sessions-2] ${backend.name}: after an announcement naming 4,201 channels: ${received(sub).length} messages, repeated ${JSON.stringify(repeated(received(sub))).slice(0, 200)}`,
      );
      expect(repeated(received(sub))).toEqual({});
      expect(sub.of('gap')).toEqual([]);
      expect(received(sub)).toHaveLength(5 + busy + 1);
    });

    // The same promise, with announcements of an ordinary size: 50 at once (a system notice to
    // every room, sent by rooms in batches of 100), 5,000 other channels within one round trip.
    it('a burst of 50 announcements, each naming 100 other history channels: a quiet room of the session is not replayed twice', async () => {
      const { store } = await backend.make();
      const fixture = sessionApp({ store, maxLength: 2000 });
      const server = await start(fixture.app, { authorizer: userAuthorizer });
      const relay = await startCuttingRelay(server.port);
      relays.push(relay);
      const publisher = recordedClient<Api>(server.url, { query: { user: 'pub' } });
      const sub = recordedClient<Api>(relay.via(server.url), {
        query: { user: 'ada' },
        session: true,
        backoff: { baseMs: 50, maxMs: 200 },
      });
      await sub.client.ready();
      await sub.client.request('join', { room: 'a' });
      await sub.client.request('join', { room: 'b' });
      for (let n = 1; n <= 5; n++) await publisher.client.request('publish', { room: 'a', n });
      await vi.waitFor(() => expect(received(sub)).toHaveLength(5));
      // A busy room b: 1,050 messages (more than the client's 1,000 remembered message ids).
      const busy = 1050;
      for (let k = 0; k < busy; k += 25) {
        await Promise.all(
          Array.from({ length: Math.min(25, busy - k) }, (_, j) =>
            fixture.app.broadcast(
              { channels: ['room#b'] },
              { room: 'b', n: k + j + 1 },
              { endpoint: server.endpoint },
            ),
          ),
        );
      }
      await vi.waitFor(() => expect(received(sub)).toHaveLength(5 + busy), { timeout: 60_000 });
      // A burst of 50 announcements, each to room b and 100 rooms the session is not in.
      await Promise.all(
        Array.from({ length: 50 }, (_, k) =>
          fixture.app.broadcast(
            { channels: ['room#b', ...Array.from({ length: 100 }, (_, i) => `room#x${k * 100 + i}`)] },
            { room: 'b', n: busy + 1 + k },
            { endpoint: server.endpoint },
          ),
        ),
      );
      await vi.waitFor(() => expect(received(sub).length).toBeGreaterThanOrEqual(5 + busy + 50), {
        timeout: 60_000,
      });
      await sleep(1000); // the pruning replay, if any, runs
      // A drop and a resume.
      relay.resetAll();
      await vi.waitFor(() => expect(sub.of('resumed').length).toBeGreaterThanOrEqual(2), {
        timeout: 60_000,
      });
      await sleep(800);
      console.info(
        `[break-sessions-2] ${backend.name}: after a burst naming 5,000 other channels: ${received(sub).length} messages, repeated ${JSON.stringify(repeated(received(sub))).slice(0, 200)}`,
      );
      expect(repeated(received(sub))).toEqual({});
      expect(sub.of('gap')).toEqual([]);
      expect(received(sub)).toHaveLength(5 + busy + 50);
    });
  });
}
