/**
 * When a session changes hands (core README, "Sessions and history"): `$connect` rejoins the
 * token's session, the connection's first resume request claims it. Raw sockets through the
 * emulator, on any store: registered by `sessions-claim.test.ts` (memory) and
 * `sessions-claim.integration.test.ts` (Redis, Redis Cluster, DynamoDB Local).
 */
import type { ConnectionStore } from '@wsapp/core';
import { describe, expect, it, vi } from 'vitest';
import { type Client, start } from './helpers.js';
import type { SessionBackend } from './session-backends.js';
import { drop, open, replay, resume, sessionApp, userAuthorizer } from './sessions-helpers.js';

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8')) as {
    s: string;
    c: string;
  };

async function setUp(backend: SessionBackend) {
  const { store } = await backend.make();
  const { app } = sessionApp(store);
  const server = await start(app, { authorizer: userAuthorizer });
  const say = (room: string, n: number) =>
    app.broadcast({ channels: [room] }, { n }, { endpoint: server.endpoint });
  return { store, server, say };
}

/** Closes `client` and waits until its `$disconnect` removed its record. */
async function gone(store: ConnectionStore, client: Client, connectionId: string, how: 'drop' | 'close') {
  if (how === 'drop') drop(client);
  else client.ws.close();
  await vi.waitFor(async () => expect(await store.get(connectionId)).toBeUndefined(), { timeout: 10_000 });
}

/** The id the emulator gave a connection that has not resumed: read from its own resume reply later, or found by elimination. */
async function idOf(store: ConnectionStore, known: readonly string[], channel: string): Promise<string> {
  let found: string | undefined;
  await vi.waitFor(async () => {
    const { connectionIds } = await store.members(channel);
    found = connectionIds.find((id) => !known.includes(id));
    expect(found).toBeDefined();
  });
  return found as string;
}

export function sessionClaimTests(backend: SessionBackend): void {
  describe(`a session changes hands at the resume request, not at $connect (${backend.name})`, {
    timeout: 60_000,
  }, () => {
    it('a replacement that never sends its resume request (its 101 was lost) costs nothing: the old connection keeps receiving, the token still resumes', async () => {
      const { store, server, say } = await setUp(backend);
      const old = await open(server, { user: 'alice', rooms: 'room:a' });
      const { reply } = await resume(old);
      const oldId = claimsOf(reply.token).c;
      const lost = await open(server, { user: 'alice', token: reply.token });
      const lostId = [...server.connections.ids()].find((id) => id !== oldId) as string;
      // The old connection is still recorded and still a member: it receives. The new one joins
      // the session's channels only when it claims the session.
      expect(await store.get(oldId)).toMatchObject({ channels: ['room:a'] });
      expect(await store.get(lostId)).toMatchObject({ channels: [] });
      await say('room:a', 1);
      expect(await old.json()).toMatchObject({ n: 1, $seq: { 'room:a': 1 } });
      await gone(store, lost, lostId, 'drop');
      expect(await store.readSession?.(claimsOf(reply.token).s)).toMatchObject({
        holder: oldId,
        closed: false,
      });
      await say('room:a', 2);
      expect(await old.json()).toMatchObject({ n: 2 });
      // The next replacement with the same token takes over.
      const next = await open(server, { user: 'alice', token: reply.token });
      const { reply: again } = await resume(next);
      expect(again).toMatchObject({ resumed: true, channels: ['room:a'] });
      expect(await store.get(oldId)).toBeUndefined();
    });

    it('a reconnect that dies before its resume request: the next one resumes with the same token and misses nothing', async () => {
      const { store, server, say } = await setUp(backend);
      const first = await open(server, { user: 'alice', rooms: 'room:a' });
      const { reply } = await resume(first);
      const firstId = claimsOf(reply.token).c;
      await gone(store, first, firstId, 'drop');
      await say('room:a', 1);
      const cut = await open(server, { user: 'alice', token: reply.token });
      const cutId = await idOf(store, [], 'room:a');
      await say('room:a', 2); // delivered live to the cut connection, which the client never saw
      await gone(store, cut, cutId, 'drop');
      await say('room:a', 3);
      const back = await open(server, { user: 'alice', token: reply.token });
      const { reply: again } = await resume(back);
      expect(again).toMatchObject({ resumed: true, channels: ['room:a'] });
      const { frames, gaps } = await replay(back, again.key);
      expect(frames.map((f) => f.n)).toEqual([1, 2, 3]);
      expect(gaps).toEqual([]);
    });

    it('two connections presenting one token before either resumes: the first resume request claims it, the other is superseded with a session of its own', async () => {
      const { store, server, say } = await setUp(backend);
      const first = await open(server, { user: 'alice', rooms: 'room:a' });
      const { reply } = await resume(first);
      await gone(store, first, claimsOf(reply.token).c, 'close');
      const [a, b] = await Promise.all([
        open(server, { user: 'alice', token: reply.token }),
        open(server, { user: 'alice', token: reply.token }),
      ]);
      const { reply: won } = await resume(a);
      const { reply: lost } = await resume(b);
      expect(won).toMatchObject({ resumed: true, channels: ['room:a'] });
      expect(lost).toMatchObject({ resumed: false, reason: 'superseded', channels: ['room:a'] });
      expect(claimsOf(lost.token).s).not.toBe(claimsOf(won.token).s);
      expect(lost.key).not.toBe(won.key);
      expect(await store.readSession?.(claimsOf(won.token).s)).toMatchObject({
        holder: claimsOf(won.token).c,
      });
      // Each is its own session from now on: the loser's starts are now, the winner's kept.
      await say('room:a', 1);
      expect(await a.json()).toMatchObject({ n: 1 });
      expect(await b.json()).toMatchObject({ n: 1 });
      expect((await replay(b, lost.key, { 'room:a': [1, 1] })).frames).toEqual([]);
      // The loser's own token resumes its own session.
      await gone(store, b, claimsOf(lost.token).c, 'drop');
      const c = await open(server, { user: 'alice', token: lost.token });
      const { reply: own } = await resume(c);
      expect(own).toMatchObject({ resumed: true, channels: ['room:a'] });
      expect(claimsOf(own.token).s).toBe(claimsOf(lost.token).s);
      // A resume request repeated on the winner (the client retried it) answers the same.
      const { reply: repeated } = await resume(a);
      expect(repeated).toMatchObject({ resumed: true, channels: ['room:a'] });
      expect(claimsOf(repeated.token).s).toBe(claimsOf(won.token).s);
    });

    it('make-before-break: a join the old connection answered before the claim is carried over; one after it is refused', async () => {
      const { store, server, say } = await setUp(backend);
      const old = await open(server, { user: 'alice', rooms: 'room:a' });
      const { reply } = await resume(old);
      const fresh = await open(server, { user: 'alice', token: reply.token });
      // The client still talks on the old connection while the new one opens.
      old.send({ action: 'join', rooms: ['room:b'], $rid: 'j1' });
      expect(await old.json()).toMatchObject({ $rid: 'j1', ok: true });
      const { reply: again } = await resume(fresh);
      expect(again.channels.sort()).toEqual(['room:a', 'room:b']);
      old.send({ action: 'join', rooms: ['room:c'], $rid: 'j2' });
      expect(await old.json()).toMatchObject({ $rid: 'j2', ok: false });
      expect(await store.get(claimsOf(reply.token).c)).toBeUndefined();
      await say('room:b', 1);
      expect(await fresh.json()).toMatchObject({ n: 1, $seq: { 'room:b': 1 } });
      expect((await replay(fresh, again.key, { 'room:a': [], 'room:b': [1, 1] })).gaps).toEqual([]);
    });
  });
}
