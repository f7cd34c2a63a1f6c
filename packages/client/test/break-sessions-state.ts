/**
 * break-sessions (issue 26 re-attack): the client's bounded state under many holes, and joins
 * racing a replacement, through `@wsapp/client` and the emulator, on any store. Expected values
 * come from the READMEs. Registered by `break-sessions-state.test.ts` (memory) and
 * `break-sessions-state.integration.test.ts` (Redis, Redis Cluster, DynamoDB Local).
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

async function setUp(backend: BreakBackend, maxLength: number, client: { rotateAfterMs?: number } = {}) {
  const { store } = await backend.make();
  const fixture = sessionApp({ store, maxLength });
  const server = await start(fixture.app, { authorizer: userAuthorizer });
  const relay = await startCuttingRelay(server.port);
  relays.push(relay);
  const publisher = recordedClient<Api>(server.url, { query: { user: 'pub' } });
  const sub = recordedClient<Api>(relay.via(server.url), {
    query: { user: 'ada' },
    session: true,
    backoff: { baseMs: 50, maxMs: 200 },
    ...client,
  });
  await sub.client.ready();
  return { ...fixture, store, server, relay, publisher, sub };
}

export function breakSessionsState(backend: BreakBackend): void {
  describe(`break-sessions: bounded client state and joins racing a replacement (${backend.name})`, {
    timeout: 120_000,
  }, () => {
    // client README, "Sessions": "A history frame is a duplicate when the client holds any of its
    // `$seq` numbers already … it is dropped"; "What the client holds is bounded: per channel a
    // list of ranges (at most 256; when a channel has more than 16 holes — live sends that failed —
    // it asks for a replay while connected, which fills them)". Core README: every message appended
    // while the session was a member "reaches the client **exactly once**".
    it('hundreds of holes from failed live sends between two hole-filling replays: every message still arrives exactly once', async () => {
      const total = 4000;
      const t = await setUp(backend, total);
      let pages = 0;
      t.app.use(async (ctx, next) => {
        if (ctx.routeKey === 'resume') pages++;
        return next();
      });
      await t.sub.client.request('join', { room: 'a' });
      // Half of the live sends fail (429 until the deadline, an endpoint refusing: seeded draws).
      const seed = 2612;
      console.info(`[break-sessions] ${backend.name}: failing live sends, seed ${seed}`);
      const fault = t.server.faults.inject({ status: 400, ratio: 0.5, seed });
      // Broadcast from "Lambdas" directly, 20 at a time, in order of n within each batch's seqs.
      for (let n = 1; n <= total; n += 20) {
        const batch = Array.from({ length: Math.min(20, total - n + 1) }, (_, k) => n + k);
        await Promise.all(
          batch.map((k) =>
            t.app.broadcast({ channels: ['room#a'] }, { room: 'a', n: k }, { endpoint: t.server.endpoint }),
          ),
        );
      }
      fault.remove();
      // A drop and a resume: the replay fills every hole that is left.
      await sleep(200);
      const before = received(t.sub);
      console.info(
        `[break-sessions] ${backend.name}: before the drop ${before.length} messages (${new Set(before).size} distinct, ${t.sub.of('message').filter((m) => (m as Numbered).$replay === true).length} replayed), ${pages} resume requests`,
      );
      t.relay.resetAll();
      try {
        await vi.waitFor(() => expect(t.sub.of('resumed').length).toBeGreaterThanOrEqual(2), {
          timeout: 30_000,
        });
      } finally {
        const names = t.sub.events
          .filter((e) => e.name !== 'message')
          .map((e) => `${e.at}:${e.name}:${JSON.stringify(e.event).slice(0, 200)}`);
        console.info(
          `[break-sessions] ${backend.name}: ${pages} resume requests; ${received(t.sub).length} messages (${new Set(received(t.sub)).size} distinct); events ${names.join('\n')}`,
        );
      }
      await vi.waitFor(() => expect(new Set(received(t.sub)).size).toBe(total), { timeout: 30_000 });
      await sleep(500);
      expect(t.sub.of('gap')).toEqual([]);
      expect(repeated(received(t.sub))).toEqual({});
      expect(received(t.sub)).toHaveLength(total);
    });

    // client README, "Staying alive": make-before-break replacement, "none is lost"; core README:
    // "The channels found are added to what the `$connect` handler joined" and every message
    // appended to a history channel while the session was a member reaches the client.
    it('joins answered OK while the client replaces its connection: every joined room receives', async () => {
      const t = await setUp(backend, 100, { rotateAfterMs: 250 });
      const joined: string[] = [];
      const started = Date.now();
      // Join rooms one after another across several replacements (no injected delay).
      for (let i = 0; i < 400 && Date.now() - started < 4000; i++) {
        try {
          await t.sub.client.request('join', { room: `r${i}` });
          joined.push(`r${i}`);
        } catch {
          // A join refused or cut by the replacement was not answered OK: not promised.
        }
        await sleep(8); // pacing only: joins spread over many replacements
      }
      const opens = t.sub.of('open').length;
      console.info(
        `[break-sessions] ${backend.name}: ${joined.length} joins answered OK over ${opens} connections`,
      );
      expect(opens).toBeGreaterThan(3); // the joins did race replacements
      // Stop replacing (wait for the last one), then one message to each joined room.
      await sleep(600);
      for (const room of joined) await t.publisher.client.request('publish', { room, n: 1 });
      await sleep(1000);
      const got = new Set(received(t.sub));
      const missing = joined.filter((room) => !got.has(`${room}1`));
      const gapped = new Set(t.sub.of('gap').map((g) => g.channel));
      expect(missing.filter((room) => !gapped.has(`room#${room}`))).toEqual([]);
    });

    // core README: "`ctx.leave` forgets it" (the session's start in a channel); the channels a
    // resume brings back are the session's channels. A leave answered OK must stay left after the
    // make-before-break replacement the client makes by itself (client README, "Staying alive").
    it('leaves answered OK while the client replaces its connection: no left room is delivered again', async () => {
      const t = await setUp(backend, 100, { rotateAfterMs: 250 });
      const rooms = Array.from({ length: 300 }, (_, i) => `r${i}`);
      for (let i = 0; i < rooms.length; i += 50) {
        // A join racing a replacement may be refused (a visible error, not what is attacked here): again.
        for (let attempt = 1; ; attempt++) {
          try {
            await t.sub.client.request('channels', { join: rooms.slice(i, i + 50).map((r) => `room#${r}`) });
            break;
          } catch (error) {
            if (attempt >= 5) throw error;
          }
        }
      }
      const left: string[] = [];
      const started = Date.now();
      for (const room of rooms) {
        if (Date.now() - started > 4000) break;
        try {
          await t.sub.client.request('channels', { leave: [`room#${room}`] });
          left.push(room);
        } catch {
          // Not answered OK: not promised.
        }
        await sleep(8); // pacing only: leaves spread over many replacements
      }
      console.info(
        `[break-sessions] ${backend.name}: ${left.length} leaves answered OK over ${t.sub.of('open').length} connections`,
      );
      expect(t.sub.of('open').length).toBeGreaterThan(3);
      await sleep(600);
      for (const room of left) await t.publisher.client.request('publish', { room, n: 1 });
      await sleep(1000);
      const got = new Set(received(t.sub));
      expect(left.filter((room) => got.has(`${room}1`))).toEqual([]);
    });

    // Core README, "Live frames": a broadcast's frame carries `$seq` of "all history channels of the
    // target", so a client also holds sequence numbers of channels it is not in. Client README:
    // "What the client holds is bounded: … for at most 4,096 channels"; and every message appended
    // while the session was a member "reaches the client **exactly once**". Announcements to many
    // rooms at once must not make the client forget a room it is in, and replay it twice.
    it('announcements naming thousands of other channels: a quiet room of the session is not replayed twice', async () => {
      const t = await setUp(backend, 2000);
      await t.sub.client.request('join', { room: 'a' });
      await t.sub.client.request('join', { room: 'b' });
      for (let n = 1; n <= 5; n++) await t.publisher.client.request('publish', { room: 'a', n });
      await vi.waitFor(() => expect(received(t.sub)).toHaveLength(5));
      // 1,100 announcements to room b and four rooms nobody is in (4,400 other channels in all).
      const announcements = 1100;
      for (let k = 0; k < announcements; k += 25) {
        await Promise.all(
          Array.from({ length: Math.min(25, announcements - k) }, (_, j) => {
            const i = k + j;
            const channels = ['room#b', ...[0, 1, 2, 3].map((x) => `room#x${i * 4 + x}`)];
            return t.app.broadcast({ channels }, { room: 'b', n: i + 1 }, { endpoint: t.server.endpoint });
          }),
        );
      }
      await vi.waitFor(() => expect(received(t.sub)).toHaveLength(5 + announcements), { timeout: 30_000 });
      t.relay.resetAll();
      await vi.waitFor(() => expect(t.sub.of('resumed').length).toBeGreaterThanOrEqual(2), {
        timeout: 60_000,
      });
      await sleep(500);
      console.info(
        `[break-sessions] ${backend.name}: after 4,400 other channels: ${received(t.sub).length} messages, repeated ${JSON.stringify(repeated(received(t.sub))).slice(0, 200)}`,
      );
      expect(repeated(received(t.sub))).toEqual({});
      expect(t.sub.of('gap')).toEqual([]);
    });
  });
}
