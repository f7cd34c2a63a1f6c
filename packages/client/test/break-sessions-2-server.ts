/**
 * break-sessions-2 (issue 26, second re-attack), the server's side: a member kicked with
 * `store.leave`, an old record removed by a 410 between its successor's `$connect` and its claim,
 * a second tab reading a shared token, the resume window after gone-cleanup, a lost 101 in a
 * session without history channels — through `@wsapp/client` and the emulator, on any store.
 * Each 410 case runs twice: the broadcast through the app's messenger (`ctx.broadcast`) and through
 * a `Messenger` built by hand. Expected values come from the READMEs, not from the code.
 * Registered by `break-sessions-2-server.test.ts` (memory) and
 * `break-sessions-2-server.integration.test.ts` (Redis, Redis Cluster, DynamoDB Local).
 */
import { type ConnectionStore, Messenger, WebSocketApp } from '@wsapp/core';
import type { LocalServer } from '@wsapp/local';
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

/** How a case's broadcasts are sent: the app's messenger, or a `Messenger` built by hand. */
type Via = 'app' | 'messenger';
const VIAS: readonly Via[] = ['app', 'messenger'];
const VIA_NAME: Record<Via, string> = { app: 'ctx.broadcast', messenger: 'a hand-built Messenger' };

/**
 * `publish(room, n)` to `room#<room>`: through the app's `publish` route (`ctx.broadcast`), or a
 * `Messenger` constructed here, which knows nothing of the app's sessions (same history and grace).
 */
function publisherOf(server: LocalServer, store: ConnectionStore, via: Via) {
  if (via === 'app') {
    const publisher = recordedClient<Api>(server.url, { query: { user: 'pub' } });
    return (room: string, n: number): Promise<unknown> => publisher.client.request('publish', { room, n });
  }
  const messenger = new Messenger({
    store,
    endpoint: server.endpoint,
    history: { channels: ['room#*'], maxLength: 1000 },
    connectGraceMs: 200,
    logger: quiet(),
  });
  return (room: string, n: number): Promise<unknown> =>
    messenger.broadcast({ channels: [`room#${room}`] }, { room, n });
}

const quiet = () => ({ error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() });

/** An app with sessions and history on `room#*`, join/leave/publish routes (`connectGraceMs` given). */
function roomApp(
  store: ConnectionStore,
  messaging: { connectGraceMs?: number } = {},
  sessions: { resumeWindowSeconds?: number } = {},
) {
  let gate: Promise<void> | undefined;
  let open: () => void = () => undefined;
  let held = 0;
  const app = new WebSocketApp({
    store,
    logger: quiet(),
    history: { channels: ['room#*'], maxLength: 1000 },
    sessions: { secret: 'break-sessions-2-secret-0123456789abcdef', ...sessions },
    messaging,
  });
  // Resume requests (not replay pages) can be held: the connection is registered and its claim waits.
  app.use(async (ctx, next) => {
    const body = ctx.body as { replay?: unknown } | undefined;
    if (ctx.routeKey === 'resume' && body?.replay === undefined && gate !== undefined) {
      held++;
      await gate;
    }
    return next();
  });
  app.route('join', { twoWay: true }, async (ctx) => {
    await ctx.join(`room#${(ctx.body as { room: string }).room}`);
    return { joined: true };
  });
  app.route('publish', { twoWay: true }, async (ctx) => {
    const { room, n } = ctx.body as { room: string; n: number };
    const report = await ctx.broadcast({ channels: [`room#${room}`] }, { room, n });
    return { delivered: report.delivered, gone: report.gone };
  });
  return {
    app,
    holdResumes: () => {
      gate = new Promise((resolve) => {
        open = resolve;
      });
    },
    releaseResumes: () => {
      gate = undefined;
      open();
    },
    held: () => held,
  };
}

export function breakSessions2Server(backend: BreakBackend): void {
  describe(`break-sessions-2: the server's session mechanisms (${backend.name})`, {
    timeout: 240_000,
  }, () => {
    for (const via of VIAS) {
      // core README, "Sessions": the start is recorded "at every `ctx.join` of a history channel the
      // connection is not in — also one it was removed from with `store.leave`, so a session let
      // back in is not replayed what was said while it was out"; "The guarantee" covers messages
      // appended "while the session was a member of it (from the head read just before its
      // membership was written, to its leave)"; "`authorizeJoin` is **not** asked again for them:
      // they were authorized when first joined". And (fix-sessions): "A record removed without a
      // snapshot (gone-cleanup after a 410 before the `$disconnect` ran …) resumes the channels the
      // session recorded (its history channels)". A member an admin removed with `store.leave`
      // (a kick) is no longer in the room: a resume must not put it back in, nor replay what was
      // said after it was removed. (`connectGraceMs` 200 ms stands for a connection older than the
      // default 35 s grace.)
      it(`a member kicked with store.leave, then its record removed by a 410 (no snapshot): the resume does not bring the room back (broadcast by ${VIA_NAME[via]})`, async () => {
        const { store } = await backend.make();
        const { app } = roomApp(store, { connectGraceMs: 200 });
        const server = await start(app, { authorizer: userAuthorizer });
        const relay = await startCuttingRelay(server.port);
        relays.push(relay);
        const publish = publisherOf(server, store, via);
        const sub = recordedClient<Api>(relay.via(server.url), {
          query: { user: 'ada' },
          session: true,
          backoff: { baseMs: 50, maxMs: 200 },
        });
        await sub.client.ready();
        await sub.client.request('join', { room: 'a' });
        await sub.client.request('join', { room: 'b' });
        await publish('a', 1);
        await vi.waitFor(() => expect(received(sub)).toEqual(['a1']));
        await sleep(400); // older than the grace
        const subId = [...server.connections.ids()].find(
          (id) => server.connections.get(id)?.authorizer?.principalId === 'ada',
        ) as string;
        // An admin Lambda removes ada from room a (a kick); the room goes on without her.
        await store.leave(subId, ['room#a']);
        await publish('a', 2);
        // Her network goes; a broadcast to room b is answered 410 before her $disconnect runs, and
        // gone-cleanup removes her record (no snapshot). Room a goes on meanwhile.
        relay.down();
        const gone = server.faults.inject({ status: 410, connectionIds: [subId] });
        console.info(
          `[break-sessions-2] ${backend.name}: send answered 410: ${JSON.stringify(await publish('b', 1))}`,
        );
        relay.resetAll();
        await vi.waitFor(() => expect(server.connections.size).toBe(1), { timeout: 10_000 });
        await publish('a', 3);
        gone.remove();
        relay.up();
        await vi.waitFor(() => expect(sub.of('resumed').length).toBeGreaterThanOrEqual(2), {
          timeout: 20_000,
        });
        await publish('a', 4);
        await sleep(800);
        const resumed = sub.of('resumed').at(-1);
        const members = (await store.members('room#a')).connectionIds.length;
        console.info(
          `[break-sessions-2] ${backend.name}: after kick + 410: ${JSON.stringify(resumed)}; room#a members ${members}; received ${JSON.stringify(received(sub))}`,
        );
        // Kicked from room a before a2: never a2, a3, a4, and not back in the room.
        expect(received(sub).filter((m) => m.startsWith('a'))).toEqual(['a1']);
        expect(resumed?.channels ?? []).not.toContain('room#a');
        expect(members).toBe(0);
      });
    }

    for (const via of VIAS) {
      // client README, "Staying alive": a replacement is "opened, `resume`d, switched to, and the old
      // one closed"; "During a replacement both connections are members for a moment, so a broadcast
      // can arrive twice; none is lost". Core README (fix-sessions): "A record removed without a
      // snapshot (gone-cleanup after a 410 before the `$disconnect` ran …) resumes the channels the
      // session recorded (its history channels)"; "The guarantee": every message appended while the
      // session was a member reaches the client exactly once or a gap is reported. Here the old
      // connection's record is removed by gone-cleanup (its path died: 410 before its
      // `$disconnect`) after the successor's `$connect` and before its resume request claims the
      // session — one round trip on a real network, held open here by delaying the resume request.
      it(`the old connection removed by a 410 between the successor's $connect and its claim: the successor still gets the rooms (broadcast by ${VIA_NAME[via]})`, async () => {
        const { store } = await backend.make();
        const room = roomApp(store, { connectGraceMs: 200 });
        const server = await start(room.app, { authorizer: userAuthorizer });
        const publish = publisherOf(server, store, via);
        const sub = recordedClient<Api>(server.url, {
          query: { user: 'ada' },
          session: true,
          rotateAfterMs: 1500,
          backoff: { baseMs: 50, maxMs: 200 },
        });
        await sub.client.ready();
        await sub.client.request('join', { room: 'a' });
        await publish('a', 1);
        await vi.waitFor(() => expect(received(sub)).toEqual(['a1']));
        const oldId = [...server.connections.ids()].find(
          (id) => server.connections.get(id)?.authorizer?.principalId === 'ada',
        ) as string;
        // The replacement's $connect goes through; its resume request waits (one round trip).
        room.holdResumes();
        await vi.waitFor(() => expect(room.held()).toBe(1), { timeout: 10_000 });
        // Meanwhile the old connection's path is gone: a broadcast is answered 410 for it, and
        // gone-cleanup removes its record (its $disconnect has not run).
        const gone = server.faults.inject({ status: 410, connectionIds: [oldId] });
        console.info(
          `[break-sessions-2] ${backend.name}: a2 with the old connection answered 410: ${JSON.stringify(await publish('a', 2))}`,
        );
        gone.remove();
        room.releaseResumes();
        await vi.waitFor(() => expect(sub.of('open').length).toBe(2), { timeout: 10_000 });
        await sleep(300);
        await publish('a', 3);
        await sleep(800);
        const resumed = sub.of('resumed').at(-1);
        const members = (await store.members('room#a')).connectionIds.length;
        console.info(
          `[break-sessions-2] ${backend.name}: successor after the old record went: ${JSON.stringify(resumed)}; room#a members ${members}; received ${JSON.stringify(received(sub))}; gaps ${JSON.stringify(sub.of('gap'))}`,
        );
        // a2 and a3 were appended while the session was a member of room a: delivered, or a gap.
        if (!sub.of('gap').some((g) => g.channel === 'room#a')) {
          expect(received(sub)).toEqual(['a1', 'a2', 'a3']);
        }
        expect(resumed?.channels ?? []).toContain('room#a');
      });
    }

    // client README, "Sessions" (the `storage` example): "localStorage is shared by an origin's
    // tabs: a second tab presenting the same token gets `superseded` and a session of its own";
    // core README: "one whose claim lost gets `'superseded'` and keeps its channels as a session of
    // its own". A second tab opened while the first is connected reads the first tab's token from
    // the shared storage: the first tab must stay in its room and keep receiving.
    it('a second tab sharing the token storage (localStorage) while the first is connected: the first keeps its room, the second is superseded', async () => {
      const { store } = await backend.make();
      const fixture = sessionApp({ store });
      const server = await start(fixture.app, { authorizer: userAuthorizer });
      let shared: string | undefined; // one origin's localStorage
      const storage = {
        get: () => shared,
        set: (token: string) => {
          shared = token;
        },
      };
      const publisher = recordedClient<Api>(server.url, { query: { user: 'pub' } });
      const tab1 = recordedClient<Api>(server.url, { query: { user: 'ada' }, session: { storage } });
      await tab1.client.ready();
      await tab1.client.request('join', { room: 'a' });
      await publisher.client.request('publish', { room: 'a', n: 1 });
      await vi.waitFor(() => expect(received(tab1)).toEqual(['a1']));
      // The user opens a second tab of the app.
      const tab2 = recordedClient<Api>(server.url, { query: { user: 'ada' }, session: { storage } });
      await tab2.client.ready();
      await vi.waitFor(() => expect(tab2.of('resumed').length).toBe(1));
      await publisher.client.request('publish', { room: 'a', n: 2 });
      await sleep(800);
      console.info(
        `[break-sessions-2] ${backend.name}: second tab: ${JSON.stringify(tab2.of('resumed')[0])}; tab 1 received ${received(tab1).join()} (state ${tab1.client.state}); tab 2 received ${received(tab2).join()}`,
      );
      expect(tab2.of('resumed')[0]).toMatchObject({ resumed: false, reason: 'superseded' });
      expect(received(tab1)).toEqual(['a1', 'a2']);
    });

    for (const via of VIAS) {
      // core README, "Sessions and history": `sessions.resumeWindowSeconds` — "how long after a
      // disconnect the session can be resumed"; step 2: "Neither record nor session (the resume
      // window passed): `'expired'`". An app that keeps its window short (2 s here) must not see a
      // session resumed, and its history replayed, long after the client vanished — also when its
      // record went by gone-cleanup (a 410 before the `$disconnect` ran) rather than `$disconnect`.
      it(`a vanished client whose record a 410 removed, back after twice the resume window: expired, nothing replayed (broadcast by ${VIA_NAME[via]})`, async () => {
        const { store } = await backend.make();
        const { app } = roomApp(store, { connectGraceMs: 200 }, { resumeWindowSeconds: 2 });
        const server = await start(app, { authorizer: userAuthorizer });
        const relay = await startCuttingRelay(server.port);
        relays.push(relay);
        const publish = publisherOf(server, store, via);
        const sub = recordedClient<Api>(relay.via(server.url), {
          query: { user: 'ada' },
          session: true,
          backoff: { baseMs: 50, maxMs: 200 },
        });
        await sub.client.ready();
        await sub.client.request('join', { room: 'a' });
        await publish('a', 1);
        await vi.waitFor(() => expect(received(sub)).toEqual(['a1']));
        await sleep(400); // older than the grace
        const subId = [...server.connections.ids()].find(
          (id) => server.connections.get(id)?.authorizer?.principalId === 'ada',
        ) as string;
        relay.down();
        const gone = server.faults.inject({ status: 410, connectionIds: [subId] });
        await publish('a', 2); // answered 410: gone-cleanup removes her record
        relay.resetAll();
        await vi.waitFor(() => expect(server.connections.size).toBe(1), { timeout: 10_000 });
        gone.remove();
        await sleep(4000); // twice the resume window
        relay.up();
        await vi.waitFor(() => expect(sub.of('resumed').length).toBeGreaterThanOrEqual(2), {
          timeout: 20_000,
        });
        await sleep(500);
        console.info(
          `[break-sessions-2] ${backend.name}: back 4 s after a 410 with a 2 s window: ${JSON.stringify(sub.of('resumed').at(-1))}; received ${received(sub).join()}`,
        );
        expect(sub.of('resumed').at(-1)).toMatchObject({ resumed: false, reason: 'expired' });
        expect(received(sub)).toEqual(['a1']);
      });
    }

    // core README, "Sessions", step 3: "A connection the client never saw open — its 101 lost, cut
    // before its first frame, or its `$connect` cut by the integration timeout — claims nothing:
    // the token still resumes, and in a make-before-break the old connection stays recorded and
    // receiving"; client README, "Staying alive": "With a session, a replacement that fails (its
    // 101 lost) leaves the current connection as it was, still recorded and receiving". Sessions
    // also serve channels without history ("a client that reconnects gets its channels back in its
    // `$connect` write"). A session in `lobby` only (no history channel, so no start was ever
    // marked): a replacement whose 101 is lost, then the next replacement.
    it('a session in channels without history: a replacement whose 101 is lost does not use up the token', async () => {
      const { store } = await backend.make();
      const fixture = sessionApp({ store });
      const server = await start(fixture.app, { authorizer: userAuthorizer });
      const relay = await startCuttingRelay(server.port);
      relays.push(relay);
      const publisher = recordedClient<Api>(server.url, { query: { user: 'pub' } });
      const sub = recordedClient<Api>(relay.via(server.url), {
        query: { user: 'ada' },
        session: true,
        rotateAfterMs: 1500,
        backoff: { baseMs: 50, maxMs: 200 },
      });
      await sub.client.ready();
      await sub.client.request('channels', { join: ['lobby'] });
      // The first replacement's 101 is lost; the emulator sees it go ($disconnect).
      relay.cutNext('before-101');
      await vi.waitFor(() => expect(relay.cuts).toBe(1), { timeout: 10_000 });
      await vi.waitFor(() => expect(server.connections.size).toBe(2), { timeout: 10_000 });
      // The next replacement goes through.
      await vi.waitFor(() => expect(sub.of('open').length).toBeGreaterThanOrEqual(2), { timeout: 30_000 });
      await sleep(300);
      await publisher.client.request('publishAll', { channels: ['lobby'], n: 1 });
      await sleep(800);
      const resumed = sub.of('resumed').slice(1);
      console.info(
        `[break-sessions-2] ${backend.name}: after a lost 101, the next replacement: ${JSON.stringify(resumed)}; lobby members ${(await store.members('lobby')).connectionIds.length}; received ${JSON.stringify(received(sub))}`,
      );
      expect(resumed[0]).toMatchObject({ resumed: true, channels: ['lobby'] });
      expect(received(sub)).toEqual(['all1']);
    });
  });
}
