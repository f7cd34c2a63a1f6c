import type { SessionStorage } from '@wsapp/client';
import { type NetworkDrop, startNetworkDrop } from '@wsapp/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Recorded, recordedClient, sleep, start } from './helpers.js';
import { type Numbered, type sessionApi, sessionApp, userAuthorizer } from './session-fixture.js';

// The client's session support against the real emulator and the server's sessions: a network
// drop is a real TCP reset (the relay in front of the emulator); expectations follow the wire
// protocol of sessions-spec.md (replayed frames before the reply, live ones held until it, each
// message once, one `gap` event per channel whose log no longer reaches back).

type Api = typeof sessionApi;
vi.setConfig({ testTimeout: 30_000 });

const relays: NetworkDrop[] = [];
afterEach(async () => {
  await Promise.all(relays.splice(0).map((relay) => relay.close()));
});

/** The emulator with the session app, and a relay in front of it that can drop the network. */
async function setUp(options: { maxLength?: number; maxConnectionMs?: number } = {}) {
  const fixture = sessionApp(options);
  const server = await start(fixture.app, {
    authorizer: userAuthorizer,
    ...(options.maxConnectionMs === undefined ? {} : { maxConnectionMs: options.maxConnectionMs }),
  });
  const net = await startNetworkDrop(server.port);
  relays.push(net);
  // Under a shortened maximum duration the publisher replaces its connections in time too.
  const publisher = recordedClient<Api>(server.url, {
    query: { user: 'pub' },
    ...(options.maxConnectionMs === undefined ? {} : { rotateAfterMs: options.maxConnectionMs * 0.6 }),
  });
  const publish = async (room: string, ...ns: number[]) => {
    for (const n of ns) await publisher.client.request('publish', { room, n });
  };
  return { ...fixture, server, net, publish };
}

/** A token storage the test can read. */
function keptTokens(): SessionStorage & { tokens: string[] } {
  const tokens: string[] = [];
  return { tokens, get: () => tokens.at(-1), set: (token) => void tokens.push(token) };
}

const received = (r: Recorded<Api>) =>
  r.of('message').map((m) => `${(m as Numbered).room}${(m as Numbered).n}`);
const range = (room: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `${room}${from + i}`);

/** Drops the subscriber's network and waits until the server has seen it go. */
async function dropAndWait(
  net: NetworkDrop,
  sub: Recorded<Api>,
  server: { connections: { size: number } },
  left: number,
) {
  net.drop({ refuse: true });
  await vi.waitFor(() => expect(sub.client.state).toBe('reconnecting'));
  await vi.waitFor(() => expect(server.connections.size).toBe(left));
}

describe('client sessions through the emulator', () => {
  it('reconnects after a network drop with its session: the room is back and every missed message arrives once, in order, then new ones', async () => {
    const { server, net, publish } = await setUp();
    const storage = keptTokens();
    const sub = recordedClient<Api>(net.via(server.url), {
      query: { user: 'ada' },
      session: { storage },
      backoff: { baseMs: 50, maxMs: 200 },
    });
    await sub.client.ready();
    // A first connection presents no token; it gets one for the next connect.
    expect(sub.of('resumed')).toEqual([
      { resumed: false, reason: 'none', channels: [], heads: {}, gaps: [] },
    ]);
    expect(storage.tokens).toHaveLength(1);
    await sub.client.request('join', { room: 'a' });
    await publish('a', 1, 2, 3);
    await vi.waitFor(() => expect(received(sub)).toEqual(range('a', 1, 3)));

    await dropAndWait(net, sub, server, 1);
    await publish('a', 4, 5, 6, 7, 8); // while it is away
    net.restore();
    await vi.waitFor(() => expect(sub.of('resumed')).toHaveLength(2));
    expect(sub.of('resumed')[1]).toEqual({
      resumed: true,
      channels: ['room#a'], // re-joined by the server: the client sent no join
      heads: { 'room#a': 8 },
      gaps: [],
    });
    await publish('a', 9, 10);
    await vi.waitFor(() => expect(received(sub)).toEqual(range('a', 1, 10)));
    await sleep(200); // nothing else arrives (no late duplicate)
    expect(received(sub)).toEqual(range('a', 1, 10));
    const replayed = sub.of('message').map((m) => (m as Numbered).$replay === true);
    expect(replayed).toEqual([false, false, false, true, true, true, true, true, false, false]);
    expect(sub.of('open').map((o) => o.reconnected)).toEqual([false, true]);
    expect(sub.of('gap')).toEqual([]);
    // The reconnect presented the first token; the reply gave a fresh one for the next.
    expect(storage.tokens).toHaveLength(2);
    expect(storage.tokens[1]).not.toBe(storage.tokens[0]);
  });

  it('live frames arriving before the resume reply are emitted after the replayed ones; copies are dropped', async () => {
    const { server, net, publish, holdResumes, releaseResumes, resumesHeld } = await setUp();
    const sub = recordedClient<Api>(net.via(server.url), {
      query: { user: 'ada' },
      session: true,
      backoff: { baseMs: 50, maxMs: 200 },
    });
    await sub.client.ready();
    await sub.client.request('join', { room: 'a' });
    await sub.client.request('join', { room: 'b' }); // nothing is broadcast to b before the drop
    await publish('a', 1, 2);
    await vi.waitFor(() => expect(received(sub)).toEqual(range('a', 1, 2)));

    await dropAndWait(net, sub, server, 1);
    await publish('a', 3, 4, 5);
    holdResumes();
    net.restore();
    // The new connection is registered (with its rooms) but its resume request waits on the server.
    await vi.waitFor(() => expect(resumesHeld).toHaveBeenCalledTimes(1));
    // Sent live to the new connection before the reply: a6 is also in the log the replay reads;
    // b was never seen by the client, but the session's start in b is known: b1 and b2 are
    // replayed too, and their live copies dropped.
    await publish('a', 6);
    await publish('b', 1, 2);
    await sleep(200);
    expect(received(sub)).toEqual(range('a', 1, 2)); // held back until the replay is done
    releaseResumes();
    await vi.waitFor(() => expect(sub.of('resumed')).toHaveLength(2));
    await vi.waitFor(() => expect(received(sub)).toHaveLength(8));
    await sleep(200);
    expect(received(sub)).toEqual([...range('a', 1, 6), 'b1', 'b2']);
    expect(sub.of('resumed')[1]).toMatchObject({ resumed: true, heads: { 'room#a': 6, 'room#b': 2 } });
    const replayed = sub.of('message').map((m) => (m as Numbered).$replay === true);
    expect(replayed).toEqual([false, false, true, true, true, true, true, true]);
  });

  it('reports one gap per channel whose log no longer reaches back, and replays what it still holds', async () => {
    const { server, net, publish } = await setUp({ maxLength: 3 });
    const sub = recordedClient<Api>(net.via(server.url), {
      query: { user: 'ada' },
      session: true,
      backoff: { baseMs: 50, maxMs: 200 },
    });
    await sub.client.ready();
    for (const room of ['a', 'b', 'c']) await sub.client.request('join', { room });
    await publish('a', 1);
    await publish('b', 1);
    await publish('c', 1);
    await vi.waitFor(() => expect(received(sub)).toEqual(['a1', 'b1', 'c1']));

    await dropAndWait(net, sub, server, 1);
    await publish('a', 2, 3, 4, 5, 6, 7); // room#a keeps 5..7: 2..4 are gone
    await publish('b', 2, 3, 4, 5); // room#b keeps 3..5: 2 is gone
    await publish('c', 2, 3); // room#c keeps 1..3: nothing is lost
    net.restore();
    await vi.waitFor(() => expect(sub.of('resumed')).toHaveLength(2));
    const gaps = [
      { channel: 'room#a', since: 1, oldestSeq: 5, reason: 'lost' },
      { channel: 'room#b', since: 1, oldestSeq: 3, reason: 'lost' },
    ];
    const byChannel = (list: readonly { channel: string }[]) =>
      [...list].sort((x, y) => x.channel.localeCompare(y.channel));
    expect(byChannel(sub.of('gap'))).toEqual(gaps);
    expect(byChannel(sub.of('resumed')[1]?.gaps ?? [])).toEqual(gaps);
    await vi.waitFor(() => expect(received(sub)).toHaveLength(11));
    // Each channel in order, each message once (the replay merges channels by append time).
    const ofRoom = (room: string) => received(sub).filter((m) => m.startsWith(room));
    expect(ofRoom('a')).toEqual(['a1', 'a5', 'a6', 'a7']);
    expect(ofRoom('b')).toEqual(['b1', 'b3', 'b4', 'b5']);
    expect(ofRoom('c')).toEqual(['c1', 'c2', 'c3']);
    // The gap is told once: the next drop and resume has nothing lost.
    await dropAndWait(net, sub, server, 1);
    await publish('a', 8);
    net.restore();
    await vi.waitFor(() => expect(sub.of('resumed')).toHaveLength(3));
    await vi.waitFor(() => expect(received(sub).at(-1)).toBe('a8'));
    expect(sub.of('gap')).toHaveLength(2);
  });

  it('crosses the (shortened) maximum connection duration by make-before-break: every message exactly once, in order, without re-joining', async () => {
    const { server, publish } = await setUp({ maxConnectionMs: 1500 });
    const sub = recordedClient<Api>(server.url, {
      query: { user: 'ada' },
      session: true,
      rotateAfterMs: 900,
      drainMs: 300,
    });
    await sub.client.ready();
    await sub.client.request('join', { room: 'r' });
    let n = 0;
    const until = Date.now() + 4200;
    while (Date.now() < until) {
      await publish('r', ++n);
      await sleep(15);
    }
    await vi.waitFor(() => expect(received(sub)).toHaveLength(n));
    await sleep(300);
    const rotations = sub.of('open').filter((o) => o.rotated).length;
    console.log(
      `sessions, max duration: ${n} published, ${received(sub).length} received, ${rotations} rotations`,
    );
    expect(received(sub)).toEqual(range('r', 1, n)); // no loss, no duplicate, in order
    expect(rotations).toBeGreaterThanOrEqual(3);
    expect(sub.of('close')).toEqual([]);
    expect(
      sub
        .of('resumed')
        .slice(1)
        .every((r) => r.resumed && r.channels.includes('room#r')),
    ).toBe(true);
  });

  it('a resume request answered 5xx is retried on the same connection: the session (only it holds) is not lost', async () => {
    const { server, net, publish, failResumes } = await setUp();
    const sub = recordedClient<Api>(net.via(server.url), {
      query: { user: 'ada' },
      session: true,
      backoff: { baseMs: 50, maxMs: 200 },
    });
    await sub.client.ready();
    await sub.client.request('join', { room: 'a' });
    await publish('a', 1);
    await vi.waitFor(() => expect(received(sub)).toEqual(['a1']));

    await dropAndWait(net, sub, server, 1);
    await publish('a', 2, 3);
    failResumes(2);
    net.restore();
    await vi.waitFor(() => expect(sub.of('resumed')).toHaveLength(2));
    // The new connection took the session over at $connect; closing it for a failed request would
    // leave a token the server takes as already used (superseded) and the room unjoined.
    expect(sub.of('resumed')[1]).toMatchObject({ resumed: true, channels: ['room#a'] });
    expect(sub.of('open').map((o) => o.reconnected)).toEqual([false, true]); // one reconnect only
    await publish('a', 4);
    await vi.waitFor(() => expect(received(sub)).toEqual(range('a', 1, 4)));
  });

  it('a token presented by another principal is refused as foreign: a new session, nothing re-joined', async () => {
    const { server, publish } = await setUp();
    const shared = keptTokens();
    const ada = recordedClient<Api>(server.url, { query: { user: 'ada' }, session: { storage: shared } });
    await ada.client.ready();
    await ada.client.request('join', { room: 'a' });
    const eve = recordedClient<Api>(server.url, { query: { user: 'eve' }, session: { storage: shared } });
    await eve.client.ready();
    expect(eve.of('resumed')).toEqual([
      { resumed: false, reason: 'foreign', channels: [], heads: {}, gaps: [] },
    ]);
    await publish('a', 1);
    await vi.waitFor(() => expect(received(ada)).toEqual(['a1']));
    expect(received(eve)).toEqual([]);
  });
});
