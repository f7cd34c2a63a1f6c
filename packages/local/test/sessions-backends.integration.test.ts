/**
 * Sessions and history end to end on real backends: the emulator with real sockets, the Redis
 * store (a stream per history channel, a session in one slot), a Redis Cluster, and DynamoDB Local
 * (a partition per history channel, an item per session). The core scenarios of sessions.test.ts.
 */
import { type ConnectionStore, Messenger } from '@wsapp/core';
import { describe, expect, it, vi } from 'vitest';
import { type Client, silentLogger, start } from './helpers.js';
import { sessionBackends } from './session-backends.js';
import { countingStore, drop, open, replay, resume, sessionApp, userAuthorizer } from './sessions-helpers.js';

const sessionOf = (token: string) =>
  (JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as { s: string }).s;

async function dropAndWait(store: ConnectionStore, client: Client, token: string) {
  drop(client);
  await vi.waitFor(async () => expect((await store.readSession?.(sessionOf(token)))?.closed).toBe(true), {
    timeout: 10_000,
  });
}

describe.each(sessionBackends.filter((b) => b.name !== 'memory'))(
  'sessions and history on $name (emulator, real sockets)',
  { timeout: 60_000 },
  (backend) => {
    it('drop, missed broadcasts, resume: exactly the missed ones in order, then new ones; one register write', async () => {
      const { store: inner } = await backend.make();
      const { store, calls } = countingStore(inner);
      const { app } = sessionApp(store);
      const server = await start(app, { authorizer: userAuthorizer });
      const say = (data: object) =>
        app.broadcast({ channels: ['room:a'] }, data, { endpoint: server.endpoint });

      const client = await open(server, { user: 'alice', rooms: 'room:a' });
      const { reply } = await resume(client);
      await say({ n: 1 });
      expect(await client.json()).toEqual({ n: 1, $mid: expect.any(String), $seq: { 'room:a': 1 } });
      await dropAndWait(inner, client, reply.token);
      for (const n of [2, 3, 4]) await say({ n });

      calls.clear();
      const back = await open(server, { user: 'alice', token: reply.token });
      expect(calls.get('register')).toBe(1);
      // Claimed by the resume request (the client has the connection), not by $connect.
      expect(calls.get('claimSession') ?? 0).toBe(0);
      const { reply: again } = await resume(back);
      expect(calls.get('claimSession')).toBe(1);
      expect(again).toMatchObject({ resumed: true, channels: ['room:a'] });
      const { frames, gaps } = await replay(back, again.key, { 'room:a': [1, 1] });
      expect(frames.map((f) => [f.n, f.$seq, f.$replay])).toEqual([
        [2, { 'room:a': 2 }, true],
        [3, { 'room:a': 3 }, true],
        [4, { 'room:a': 4 }, true],
      ]);
      expect(gaps).toEqual([]);
      await say({ n: 5 });
      expect(await back.json()).toEqual({ n: 5, $mid: expect.any(String), $seq: { 'room:a': 5 } });

      // The token used again, after its successor closed: superseded, nothing rejoined.
      await dropAndWait(inner, back, again.token);
      const replayed = await open(server, { user: 'alice', token: reply.token });
      expect((await resume(replayed)).reply).toMatchObject({
        resumed: false,
        reason: 'superseded',
        channels: [],
      });
    });

    it('a hole below the highest seq, and a channel joined later and never received on, are replayed', async () => {
      const { store } = await backend.make();
      const { app } = sessionApp(store);
      const server = await start(app, { authorizer: userAuthorizer });
      const say = (room: string, data: object) =>
        app.broadcast({ channels: [room] }, data, { endpoint: server.endpoint });
      const client = await open(server, { user: 'alice', rooms: 'room:a' });
      const { reply } = await resume(client);
      const fault = server.faults.inject({ status: 400 }); // message 1's live send is refused
      expect((await say('room:a', { n: 1 })).failed).toHaveLength(1);
      fault.remove();
      await say('room:a', { n: 2 });
      expect(await client.json()).toMatchObject({ n: 2 });
      client.send({ action: 'join', rooms: ['room:b'], $rid: 'j' });
      expect(await client.json()).toMatchObject({ $rid: 'j', ok: true });
      await dropAndWait(store, client, reply.token);
      for (const n of [1, 2, 3]) await say('room:b', { b: n });
      const back = await open(server, { user: 'alice', token: reply.token });
      const { reply: again } = await resume(back);
      const { frames, gaps } = await replay(back, again.key, { 'room:a': [2, 2] });
      expect(frames.map((f) => f.n ?? `b${f.b}`)).toEqual([1, 'b1', 'b2', 'b3']);
      expect(gaps).toEqual([]);
    });

    it('concurrent broadcasters (separate messengers and store clients) to one history channel', async () => {
      const { store: inner, again: another } = await backend.make();
      const { app } = sessionApp(inner);
      const server = await start(app, { authorizer: userAuthorizer });
      const client = await open(server, { user: 'alice', rooms: 'room:a' });
      const { reply } = await resume(client);
      await dropAndWait(inner, client, reply.token);
      // Four "Lambdas", each with its own store client and messenger.
      const senders = Array.from(
        { length: 4 },
        () =>
          new Messenger({
            store: another(),
            endpoint: server.endpoint,
            history: { channels: ['room:*'] },
            logger: silentLogger(),
          }),
      );
      await Promise.all(
        senders.map(async (messenger, s) => {
          for (let i = 0; i < 10; i++) await messenger.broadcast({ channels: ['room:a'] }, { s, i });
        }),
      );
      const back = await open(server, { user: 'alice', token: reply.token });
      const { reply: again } = await resume(back);
      const { frames, held } = await replay(back, again.key);
      expect(held).toEqual({ 'room:a': [1, 40] });
      expect(frames.map((f) => (f.$seq as Record<string, number>)['room:a'])).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
      for (let s = 0; s < 4; s++) {
        expect(frames.filter((f) => f.s === s).map((f) => f.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      }
    });
  },
);
