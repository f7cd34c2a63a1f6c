/**
 * break-sessions-2 (issue 26, second re-attack): a quiet channel's log restarts (its head counter
 * outlived `ttlSeconds` + the 24 h head grace) while a session is in it, through `@wsapp/client`
 * and the emulator. Only the memory store takes an injected clock (`clock`, "inject one in tests
 * to move time"), so this runs on memory; the store contract it relies on is every store's.
 */

import { WebSocketApp } from '@wsapp/core';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type CuttingRelay, startCuttingRelay } from './break-sessions-relay.js';
import { type Recorded, recordedClient, sleep, start } from './helpers.js';
import { type Numbered, type sessionApi, userAuthorizer } from './session-fixture.js';

type Api = typeof sessionApi;

const relays: CuttingRelay[] = [];
afterEach(async () => {
  await Promise.all(relays.splice(0).map((relay) => relay.close()));
});

const received = (r: Recorded<Api>) =>
  r.of('message').map((m) => `${(m as Numbered).room}${(m as Numbered).n}`);

const HOUR = 3600_000;

describe('break-sessions-2: a quiet channel whose log restarts (memory, injected clock)', {
  timeout: 120_000,
}, () => {
  // Store contract (core, `channel-history.ts`): "A channel's head counter lives until
  // `ttlSeconds` + HISTORY_HEAD_GRACE_SECONDS [24 h] after its longest-lived entry was appended …;
  // after that the log is reset and numbering starts at 1 again". Core README, "The guarantee":
  // every message appended to a history channel while the session was a member "reaches the
  // client **exactly once** … **or a gap is reported** for it", with `reset`: "a log that
  // restarted below the session's start". Client README: the client resumes on every new
  // connection (it replaces each before API Gateway's 2 h). A room quiet for a day, then
  // spoken in again between two of the client's reconnects: its new messages 1, 2, … must reach
  // the client (or a gap be reported), not be dropped as copies of the old 1, 2, ….
  it('a room quiet for 25 h, then 6 messages between two reconnects: each arrives once or a gap is reported', async () => {
    let offset = 0;
    const store = new MemoryConnectionStore({ clock: () => Date.now() + offset });
    const app = new WebSocketApp({
      store,
      logger: { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() },
      history: { channels: ['room#*'], maxLength: 100, ttlSeconds: 900 },
      sessions: { secret: 'break-sessions-2-restart-secret-0123456789' },
    });
    app.route('join', { twoWay: true }, async (ctx) => {
      await ctx.join(`room#${(ctx.body as { room: string }).room}`);
      return { joined: true };
    });
    app.route('publish', { twoWay: true }, async (ctx) => {
      const { room, n } = ctx.body as { room: string; n: number };
      const report = await ctx.broadcast({ channels: [`room#${room}`] }, { room, n });
      return { delivered: report.delivered };
    });
    const server = await start(app, { authorizer: userAuthorizer });
    const relay = await startCuttingRelay(server.port);
    relays.push(relay);
    const publisher = recordedClient<Api>(server.url, { query: { user: 'pub' } });
    const publish = (n: number) => publisher.client.request('publish', { room: 'a', n });
    const sub = recordedClient<Api>(relay.via(server.url), {
      query: { user: 'ada' },
      session: true,
      backoff: { baseMs: 50, maxMs: 200 },
    });
    await sub.client.ready();
    await sub.client.request('join', { room: 'a' });
    for (let n = 1; n <= 5; n++) await publish(n);
    await vi.waitFor(() => expect(received(sub)).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']));
    // A quiet day: the client reconnects every hour (as it replaces its connection before 2 h),
    // resuming its session each time.
    for (let hour = 1; hour <= 24; hour++) {
      offset = hour * HOUR;
      const before = sub.of('resumed').length;
      relay.resetAll();
      await vi.waitFor(() => expect(sub.of('resumed').length).toBe(before + 1), { timeout: 20_000 });
    }
    const last = sub.of('resumed').at(-1);
    console.info(`[break-sessions-2] after 24 hourly resumes: ${JSON.stringify(last)}`);
    expect(last).toMatchObject({ resumed: true, channels: ['room#a'] });
    // 25 h after a5 (the log's head is gone: 15 min + 24 h), between two reconnects, 6 messages.
    offset = 25 * HOUR;
    for (let n = 6; n <= 11; n++) await publish(n);
    await sleep(800);
    console.info(`[break-sessions-2] live after the restart: ${JSON.stringify(received(sub).slice(5))}`);
    // The next reconnect.
    offset = 25 * HOUR + 60_000;
    const before = sub.of('resumed').length;
    relay.resetAll();
    await vi.waitFor(() => expect(sub.of('resumed').length).toBe(before + 1), { timeout: 20_000 });
    await sleep(500);
    const gaps = sub.of('gap');
    console.info(
      `[break-sessions-2] after the next resume: ${JSON.stringify(sub.of('resumed').at(-1))}; gaps ${JSON.stringify(gaps)}; received ${JSON.stringify(received(sub))}`,
    );
    if (!gaps.some((g) => g.channel === 'room#a')) {
      expect(received(sub)).toEqual(['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9', 'a10', 'a11']);
    }
    // Whatever was reported, a6–a11 (said after the restart, while she was a member) arrive.
    expect(received(sub).slice(5).sort()).toEqual(['a10', 'a11', 'a6', 'a7', 'a8', 'a9']);
  });
});
