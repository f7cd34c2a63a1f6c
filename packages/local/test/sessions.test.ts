import { HistoryNotSupportedError, Messenger, SessionsNotSupportedError, WebSocketApp } from '@wsapp/core';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { describe, expect, it, vi } from 'vitest';
import { type Client, silentLogger, start } from './helpers.js';
import {
  countingStore,
  drop,
  open,
  type Reply,
  replay,
  resume,
  SECRET,
  sessionApp,
  userAuthorizer,
} from './sessions-helpers.js';

// The server half of sessions on the wire, through the emulator with raw sockets: the resume
// reply first, then replay pages (core README, "Sessions and history").

/** The claims of a token, read as the spec lays it out: `s1.<base64url(JSON)>.<mac>`. */
function claimsOf(token: string): { s: string; c: string; p: string; t: number } {
  return JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8'));
}

/** Drops the client and waits until its `$disconnect` closed the session (its snapshot is written). */
async function dropAndWait(store: MemoryConnectionStore, client: Client, token: string): Promise<void> {
  drop(client);
  await vi.waitFor(async () => expect((await store.readSession(claimsOf(token).s))?.closed).toBe(true), {
    timeout: 5000,
  });
}

async function setup(options: Parameters<typeof sessionApp>[1] = {}, clock?: () => number) {
  const inner = new MemoryConnectionStore(clock === undefined ? {} : { clock });
  const { store, calls } = countingStore(inner);
  const { app, logger } = sessionApp(store, options);
  const server = await start(app, { authorizer: userAuthorizer });
  const say = (room: string, data: object) =>
    app.broadcast({ channels: [room] }, data, { endpoint: server.endpoint });
  return { inner, store, calls, app, server, say, logger };
}

/** A first connection: connects, resumes with nothing to get its token. */
async function first(server: Awaited<ReturnType<typeof setup>>['server'], user: string, rooms: string) {
  const client = await open(server, { user, rooms });
  const { before, reply } = await resume(client);
  expect(before).toEqual([]);
  return { client, reply };
}

describe('sessions and history end to end (emulator, real sockets, memory store)', {
  timeout: 30_000,
}, () => {
  it('a dropped client reconnects with its token: the reply first, then exactly the missed messages in order, then new ones', async () => {
    const { inner, server, say } = await setup();
    const { client, reply } = await first(server, 'alice', 'room:a');
    expect(reply).toEqual({
      token: expect.any(String),
      resumed: false,
      reason: 'none',
      channels: ['room:a'],
      key: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      replay: true,
    });

    await say('room:a', { n: 1 });
    const live = (await client.json()) as Record<string, unknown>;
    expect(live).toEqual({ n: 1, $mid: expect.any(String), $seq: { 'room:a': 1 } });

    await dropAndWait(inner, client, reply.token);
    for (const n of [2, 3, 4]) expect((await say('room:a', { n })).attempted).toBe(0);

    const back = await open(server, { user: 'alice', token: reply.token });
    const { before, reply: again } = await resume(back);
    expect(before).toEqual([]); // nothing is replayed before the client holds its new token
    expect(again).toMatchObject({ resumed: true, channels: ['room:a'], replay: true });
    expect(again.reason).toBeUndefined();
    expect(again.key).toBe(reply.key); // the key is the session's
    // Same session, token for the new connection.
    expect(claimsOf(again.token).s).toBe(claimsOf(reply.token).s);
    expect(claimsOf(again.token).c).not.toBe(claimsOf(reply.token).c);

    const { frames, gaps, pages, held } = await replay(back, again.key, { 'room:a': [1, 1] });
    expect(frames).toEqual(
      [2, 3, 4].map((n) => ({ n, $mid: expect.any(String), $seq: { 'room:a': n }, $replay: true })),
    );
    expect(new Set(frames.map((f) => f.$mid)).size).toBe(3);
    expect(gaps).toEqual([]);
    expect(pages).toBe(1);
    expect(held).toEqual({ 'room:a': [1, 4] });

    await say('room:a', { n: 5 });
    expect(await back.json()).toEqual({ n: 5, $mid: expect.any(String), $seq: { 'room:a': 5 } });
  });

  it('replays a message whose live send failed although a later one arrived (a hole below the highest seq)', async () => {
    const { inner, server, say } = await setup();
    const { client, reply } = await first(server, 'alice', 'room:a');
    const fault = server.faults.inject({ status: 400 }); // the endpoint refuses message 1
    expect((await say('room:a', { n: 1 })).failed).toHaveLength(1);
    fault.remove();
    await say('room:a', { n: 2 });
    expect(await client.json()).toMatchObject({ n: 2, $seq: { 'room:a': 2 } });
    await dropAndWait(inner, client, reply.token);
    const back = await open(server, { user: 'alice', token: reply.token });
    const { reply: again } = await resume(back);
    const { frames, gaps } = await replay(back, again.key, { 'room:a': [2, 2] });
    expect(frames.map((f) => f.n)).toEqual([1]);
    expect(gaps).toEqual([]);
  });

  it('replays a channel joined after the resume on which the client never received anything', async () => {
    const { inner, server, say } = await setup();
    const { client, reply } = await first(server, 'alice', 'room:a');
    client.send({ action: 'join', rooms: ['room:b'], $rid: 'j' });
    expect(await client.json()).toMatchObject({ $rid: 'j', ok: true });
    await dropAndWait(inner, client, reply.token);
    for (const n of [1, 2, 3]) await say('room:b', { b: n });
    const back = await open(server, { user: 'alice', token: reply.token });
    const { reply: again } = await resume(back);
    expect(again.channels.sort()).toEqual(['room:a', 'room:b']);
    const { frames } = await replay(back, again.key);
    expect(frames.map((f) => f.b)).toEqual([1, 2, 3]);
  });

  it('one $connect is one register write, also when it resumes; the session is claimed once', async () => {
    const authorizeJoin = vi.fn(() => true);
    const { inner, calls, server } = await setup({ authorizeJoin });
    const { client, reply } = await first(server, 'alice', 'room:a,room:b');
    expect(authorizeJoin).toHaveBeenCalledTimes(2);
    await dropAndWait(inner, client, reply.token);
    calls.clear();
    const back = await open(server, { user: 'alice', rooms: 'room:c', token: reply.token });
    expect(calls.get('register')).toBe(1);
    // The session is claimed by the resume request (the client has the connection), not here.
    expect(calls.get('claimSession') ?? 0).toBe(0);
    expect(calls.get('join') ?? 0).toBe(0);
    expect(calls.get('update') ?? 0).toBe(0);
    // Resumed channels were authorized when first joined: only the new one was asked about.
    expect(authorizeJoin).toHaveBeenCalledTimes(3);
    const { reply: again } = await resume(back);
    expect(again.channels.sort()).toEqual(['room:a', 'room:b', 'room:c']);
    expect(calls.get('claimSession')).toBe(1);
    expect(calls.get('unregister') ?? 0).toBe(0); // the old record is gone, nothing to retire
    expect(calls.get('join') ?? 0).toBe(0);
    expect(calls.get('register')).toBe(1);
  });

  it('make-before-break: the old connection, still open, is retired and gets nothing more', async () => {
    const { inner, server, say, calls } = await setup();
    const { client: old, reply } = await first(server, 'alice', 'room:a');
    const oldId = claimsOf(reply.token).c;
    const fresh = await open(server, { user: 'alice', token: reply.token });
    const { reply: again } = await resume(fresh);
    expect(again).toMatchObject({ resumed: true, channels: ['room:a'] });
    expect(await inner.get(oldId)).toBeUndefined();
    expect(old.ws.readyState).toBe(old.ws.OPEN);
    const report = await say('room:a', { n: 1 });
    expect(report).toMatchObject({ attempted: 1, delivered: 1 });
    expect(await fresh.json()).toMatchObject({ n: 1 });
    // The retired connection's own $disconnect later changes nothing (its record is gone).
    const removals = calls.get('unregister') ?? 0;
    old.ws.close();
    await old.closed;
    await vi.waitFor(() => expect(calls.get('unregister')).toBe(removals + 1), { timeout: 5000 });
    expect(await inner.readSession(claimsOf(reply.token).s)).toMatchObject({
      holder: claimsOf(again.token).c,
      closed: false,
    });
  });

  it('a forged token is refused: not resumed, reason given, no channel rejoined, no replay', async () => {
    const { inner, server, say, calls } = await setup();
    const { client, reply } = await first(server, 'alice', 'room:a');
    await dropAndWait(inner, client, reply.token);
    await say('room:a', { n: 1 });
    const [v, body] = reply.token.split('.');
    // Same claims, MAC from another secret; and a claim changed under the real MAC.
    const { createHmac } = await import('node:crypto');
    const forged = `${v}.${body}.${createHmac('sha256', 'x'.repeat(32)).update(`${v}.${body}`).digest('base64url')}`;
    const tampered = `${v}.${Buffer.from(JSON.stringify({ ...claimsOf(reply.token), p: '' })).toString('base64url')}.${reply.token.split('.')[2]}`;
    for (const token of [forged, tampered, 'garbage', `${reply.token}x`]) {
      calls.clear();
      const intruder = await open(server, { user: 'alice', token });
      // Refused before any read: the $connect's only store call is its register.
      expect([...calls]).toEqual([['register', 1]]);
      const { reply: answer } = await resume(intruder);
      expect(answer).toMatchObject({ resumed: false, reason: 'forged', channels: [], replay: false });
      expect(claimsOf(answer.token).s).not.toBe(claimsOf(reply.token).s);
      expect((await replay(intruder, answer.key, { 'room:a': [] })).frames).toEqual([]);
    }
    // None of them used the session up: its owner still resumes.
    const back = await open(server, { user: 'alice', token: reply.token });
    const { reply: again } = await resume(back);
    expect(again.resumed).toBe(true);
    expect((await replay(back, again.key)).frames).toHaveLength(1);
  });

  it("another principal's token is refused as foreign: no channels, no replay, the session stays the owner's", async () => {
    const { inner, server, say, calls } = await setup();
    const { client, reply } = await first(server, 'alice', 'room:a');
    await dropAndWait(inner, client, reply.token);
    await say('room:a', { secret: 'for alice' });
    for (const user of ['mallory', undefined]) {
      calls.clear();
      const thief = await open(server, { ...(user === undefined ? {} : { user }), token: reply.token });
      expect([...calls]).toEqual([['register', 1]]);
      const { reply: answer } = await resume(thief);
      expect(answer).toMatchObject({ resumed: false, reason: 'foreign', channels: [] });
      // Naming alice's key and channel gets nothing: the thief's connection is in no channel.
      expect((await replay(thief, reply.key, { 'room:a': [] })).frames).toEqual([]);
      expect((await say('room:a', { probe: true })).attempted).toBe(0);
    }
    const back = await open(server, { user: 'alice', token: reply.token });
    expect((await resume(back)).reply.resumed).toBe(true);
  });

  it('a resume whose register write fails gives the session back: the same token resumes next time', async () => {
    const inner = new MemoryConnectionStore();
    let failRegister = false;
    const store = new Proxy(inner, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property !== 'register' || typeof value !== 'function')
          return typeof value === 'function' ? value.bind(target) : value;
        return (...args: unknown[]) => {
          if (failRegister) {
            failRegister = false;
            return Promise.reject(new Error('the store is down'));
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const { app } = sessionApp(store);
    const server = await start(app, { authorizer: userAuthorizer });
    const { client, reply } = await first(server, 'alice', 'room:a');
    await dropAndWait(inner, client, reply.token);
    await app.broadcast({ channels: ['room:a'] }, { n: 1 }, { endpoint: server.endpoint });
    failRegister = true;
    await expect(open(server, { user: 'alice', token: reply.token })).rejects.toThrow();
    const back = await open(server, { user: 'alice', token: reply.token });
    const { reply: again } = await resume(back);
    expect(again).toMatchObject({ resumed: true, channels: ['room:a'] });
    expect((await replay(back, again.key)).frames.map((f) => f.n)).toEqual([1]);
  });

  it('a token used twice: the second use is refused as superseded, before and after its successor closed', async () => {
    const { inner, server } = await setup();
    const { client, reply } = await first(server, 'alice', 'room:a');
    await dropAndWait(inner, client, reply.token);
    const second = await open(server, { user: 'alice', token: reply.token });
    const { reply: taken } = await resume(second);
    expect(taken.resumed).toBe(true);
    const replayed = await open(server, { user: 'alice', token: reply.token });
    expect((await resume(replayed)).reply).toMatchObject({
      resumed: false,
      reason: 'superseded',
      channels: [],
    });
    await dropAndWait(inner, second, taken.token);
    const later = await open(server, { user: 'alice', token: reply.token });
    expect((await resume(later)).reply).toMatchObject({ resumed: false, reason: 'superseded', channels: [] });
    // The successor's own token still resumes.
    const owner = await open(server, { user: 'alice', token: taken.token });
    expect((await resume(owner)).reply).toMatchObject({ resumed: true, channels: ['room:a'] });
  });

  it('replay after the log window reports the gap and replays what is still held', async () => {
    const { inner, server, say } = await setup({ history: { channels: ['room:*'], maxLength: 3 } });
    const { client, reply } = await first(server, 'alice', 'room:a,room:b');
    await dropAndWait(inner, client, reply.token);
    for (let n = 1; n <= 6; n++) await say('room:a', { n });
    await say('room:b', { n: 'b1' });
    const back = await open(server, { user: 'alice', token: reply.token });
    const { reply: again } = await resume(back);
    const { frames, gaps, held } = await replay(back, again.key);
    expect(gaps).toEqual([{ channel: 'room:a', since: 0, oldestSeq: 4, reason: 'lost' }]);
    expect(held).toEqual({ 'room:a': [1, 6], 'room:b': [1, 1] });
    // Each channel in order; across channels by append time (ms: one millisecond's ties either way).
    expect(frames.filter((f) => f.n !== 'b1').map((f) => f.n)).toEqual([4, 5, 6]);
    expect(frames.filter((f) => f.n === 'b1')).toHaveLength(1);
    // Reported once: the next replay has nothing to say.
    expect(await replay(back, again.key, held)).toMatchObject({ frames: [], gaps: [] });
  });

  it('entries past their ttl: a gap without oldestSeq, nothing replayed; the session itself expires after its window', async () => {
    let now = Date.now();
    const { inner, server, say } = await setup(
      {
        history: { channels: ['room:*'], ttlSeconds: 60 },
        sessions: { secret: SECRET, resumeWindowSeconds: 300 },
      },
      () => now,
    );
    const { client, reply } = await first(server, 'alice', 'room:a');
    await dropAndWait(inner, client, reply.token);
    await say('room:a', { n: 1 });
    now += 120_000;
    const back = await open(server, { user: 'alice', token: reply.token });
    const { reply: again } = await resume(back);
    expect(again).toMatchObject({ resumed: true });
    const { frames, gaps } = await replay(back, again.key);
    expect(gaps).toEqual([{ channel: 'room:a', since: 0, reason: 'lost' }]);
    expect(frames).toEqual([]);
    await dropAndWait(inner, back, again.token);
    now += 301_000;
    const late = await open(server, { user: 'alice', token: again.token });
    expect((await resume(late)).reply).toMatchObject({ resumed: false, reason: 'expired', channels: [] });
  });

  it('only the connection’s history channels are read; ids of other channels are dropped', async () => {
    const { inner, server, say, calls } = await setup();
    const { client, reply } = await first(server, 'alice', 'room:a,room:b,lobby');
    await dropAndWait(inner, client, reply.token);
    await say('room:a', { n: 1 });
    await say('room:b', { n: 2 });
    await say('room:secret', { n: 3 });
    const back = await open(server, { user: 'alice', token: reply.token });
    const { reply: again } = await resume(back);
    calls.clear();
    const { frames, held } = await replay(back, again.key, { 'room:secret': [1, 1], lobby: [1, 1] });
    expect(frames.map((f) => f.n).sort()).toEqual([1, 2]);
    // room:a and room:b: one planning read each, and one read of the payloads they miss.
    expect(calls.get('readHistory')).toBe(4);
    expect(held['room:secret']).toEqual([1, 1]); // the helper keeps it; the server said drop
  });

  it('a broadcast to several history channels is one frame with both seqs; a member of both gets one replay', async () => {
    const { inner, server, app } = await setup();
    const { client, reply } = await first(server, 'alice', 'room:a,room:b');
    await dropAndWait(inner, client, reply.token);
    const endpoint = server.endpoint;
    await app.broadcast({ channels: ['room:a'] }, { n: 1 }, { endpoint });
    await app.broadcast({ channels: ['room:a', 'room:b'] }, { n: 2 }, { endpoint });
    await app.broadcast({ channels: ['room:b'] }, { n: 3 }, { endpoint });
    const back = await open(server, { user: 'alice', token: reply.token });
    const { reply: again } = await resume(back);
    const { frames } = await replay(back, again.key);
    expect(frames.map((f) => [f.n, f.$seq])).toEqual([
      [1, { 'room:a': 1 }],
      [2, { 'room:a': 2, 'room:b': 1 }],
      [3, { 'room:b': 2 }],
    ]);
  });

  it('a message too large for a reply body is posted on its own, in its place', async () => {
    const { inner, server, say } = await setup();
    const { client, reply } = await first(server, 'alice', 'room:a');
    await dropAndWait(inner, client, reply.token);
    await say('room:a', { n: 1 });
    await say('room:a', { n: 2, big: 'x'.repeat(100_000) });
    await say('room:a', { n: 3 });
    const back = await open(server, { user: 'alice', token: reply.token });
    const { reply: again } = await resume(back);
    const { frames, pushed, pages } = await replay(back, again.key);
    expect(frames.map((f) => f.n)).toEqual([1, 2, 3]);
    expect(pushed).toBe(1);
    expect(pages).toBe(3);
  });

  it('concurrent broadcasters to one history channel: distinct seqs, every message once, replayed in seq order', async () => {
    const { inner, store, server } = await setup();
    const { client: watcher } = await first(server, 'bob', 'room:a');
    const { client, reply } = await first(server, 'alice', 'room:a');
    await dropAndWait(inner, client, reply.token);
    // Five "Lambdas": their own messengers on the one store.
    const senders = Array.from(
      { length: 5 },
      () =>
        new Messenger({
          store,
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
    const seen = await Promise.all(Array.from({ length: 50 }, () => watcher.json()));
    const seqs = seen.map((f) => (f as { $seq: Record<string, number> }).$seq['room:a']);
    expect(new Set(seqs)).toEqual(new Set(Array.from({ length: 50 }, (_, i) => i + 1)));
    const back = await open(server, { user: 'alice', token: reply.token });
    const { reply: again } = await resume(back);
    const { frames } = await replay(back, again.key);
    expect(frames.map((f) => (f.$seq as Record<string, number>)['room:a'])).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    // Each sender's messages in its own order.
    for (let s = 0; s < 5; s++) {
      expect(frames.filter((f) => f.s === s).map((f) => f.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
  });

  it('a split broadcast appends once: every page sends the same $mid/$seq frame', async () => {
    const { inner, server, app } = await setup();
    const clients = await Promise.all(Array.from({ length: 5 }, (_, i) => first(server, `u${i}`, 'room:a')));
    let report = await app.broadcast(
      { channels: ['room:a'] },
      { n: 1 },
      { endpoint: server.endpoint, pageSize: 2, maxPages: 1 },
    );
    let calls = 1;
    while (report.cursor !== undefined) {
      report = await app.broadcast(
        { channels: ['room:a'] },
        { n: 1 },
        { endpoint: server.endpoint, cursor: report.cursor, maxPages: 1, pageSize: 2 },
      );
      calls++;
    }
    expect(calls).toBe(3);
    expect((await inner.readHistory('room:a')).headSeq).toBe(1);
    const frames = await Promise.all(clients.map(({ client }) => client.json()));
    for (const frame of frames)
      expect(frame).toEqual({ n: 1, $mid: report.messageId, $seq: { 'room:a': 1 } });
  });

  it('refuses what history cannot carry before any write; non-history channels are unchanged', async () => {
    const { inner, server, say, app } = await setup();
    const { client } = await first(server, 'alice', 'room:a,lobby');
    await expect(
      app.broadcast({ channels: ['room:a'] }, 'text', { endpoint: server.endpoint }),
    ).rejects.toThrow(TypeError);
    await expect(say('room:a', [1, 2])).rejects.toThrow(TypeError);
    await expect(say('room:a', { $seq: 1 })).rejects.toThrow(TypeError);
    expect((await inner.readHistory('room:a')).headSeq).toBe(0);
    await app.broadcast({ channels: ['lobby'] }, 'plain', { endpoint: server.endpoint });
    expect(await client.text()).toBe('plain');
  });

  it('history or sessions on a store without them fail at construction', () => {
    const store = new MemoryConnectionStore();
    const without = (...names: string[]) =>
      new Proxy(store, {
        get: (target, property) =>
          names.includes(String(property)) ? undefined : Reflect.get(target, property),
      });
    const older = without('appendHistory', 'readHistory');
    expect(() => new WebSocketApp({ store: older, history: { channels: ['room:*'] } })).toThrow(
      HistoryNotSupportedError,
    );
    expect(() => new Messenger({ store: older, history: { channels: ['room:*'] } })).toThrow(
      HistoryNotSupportedError,
    );
    expect(() => new WebSocketApp({ store: without('claimSession'), sessions: { secret: SECRET } })).toThrow(
      SessionsNotSupportedError,
    );
    expect(() => new WebSocketApp({ sessions: { secret: SECRET } })).toThrow(/store/);
  });

  it('ctx.history and app.history read the log', async () => {
    const { server, say, app } = await setup();
    app.route('log', { twoWay: true }, (ctx) => ctx.history('room:a', { since: 1 }));
    await first(server, 'alice', 'room:a');
    for (const n of [1, 2, 3]) await say('room:a', { n });
    const page = await app.history('room:a', { since: 1, limit: 1 });
    expect(page).toMatchObject({ headSeq: 3, oldestSeq: 1, entries: [{ seq: 2, payload: '{"n":2}' }] });
  });

  it('answers hostile replay requests with 400, reads nothing, sends nothing', async () => {
    const { server, calls } = await setup();
    const { client } = await first(server, 'alice', 'room:a');
    const id = 'AbCdEfGhIjK';
    for (const body of [
      { replay: 'x' },
      { replay: [1] },
      { replay: { have: 5 } },
      { replay: { have: 'short' } },
      { replay: { have: `${id}1.0` } }, // hi below lo
      { replay: { have: `${id}3.4,1.2` } }, // not ascending
      { replay: { have: `${id}1.2,3.4` } }, // touching ranges: not disjoint
      { replay: { have: `${id}0.1` } }, // 0 is no sequence number
      { replay: { have: `${id}1.zzzzzzzzzzzz` } }, // beyond safe integers
      { replay: { have: `${id}1.2;${id}3.4` } }, // the same id twice
      { replay: { have: `${id}1.2.3` } },
      { replay: { have: 'x'.repeat(31_000) } },
    ]) {
      calls.clear();
      client.send({ action: 'resume', $rid: 'bad', ...body });
      expect(await client.json(), JSON.stringify(body).slice(0, 80)).toMatchObject({
        $rid: 'bad',
        ok: false,
        status: 400,
      });
      expect(calls.size).toBe(0);
    }
  });

  it('declares the resume route two-way', async () => {
    const { app } = sessionApp(new MemoryConnectionStore());
    expect(app.twoWayRouteKeys).toContain('resume');
    expect(() => app.route('resume', () => 1)).toThrow(TypeError);
    const custom = sessionApp(new MemoryConnectionStore(), {
      sessions: { secret: SECRET, action: 'session.resume' },
    });
    expect(custom.app.twoWayRouteKeys).toContain('session.resume');
  });
});

export type { Reply };
