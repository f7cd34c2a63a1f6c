/**
 * The session promises of issue 26, through `@wsapp/client` against the emulator, on any store:
 * every message appended to a history channel while the session was a member reaches the client
 * exactly once (or a gap is reported), the client's state and requests stay bounded, no
 * non-transient error becomes a reconnect loop, and a large backlog arrives exactly once. A network
 * drop is a real TCP reset (a relay in front of the emulator). Registered by
 * `session-promises.test.ts` (memory) and `session-promises.integration.test.ts` (Redis, Redis
 * Cluster, DynamoDB Local).
 */
import type { ConnectionStore } from '@wsapp/core';
import { type NetworkDrop, startNetworkDrop } from '@wsapp/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Recorded, recordedClient, sleep, start } from './helpers.js';
import { type Numbered, type sessionApi, sessionApp, userAuthorizer } from './session-fixture.js';

type Api = typeof sessionApi;

/** A store backend (a fresh, empty store per test). */
export interface PromiseBackend {
  name: string;
  make(): Promise<{ store: ConnectionStore }>;
}

const relays: NetworkDrop[] = [];
afterEach(async () => {
  await Promise.all(relays.splice(0).map((relay) => relay.close()));
});

async function setUp(backend: PromiseBackend, maxLength?: number) {
  const { store } = await backend.make();
  const fixture = sessionApp({ store, ...(maxLength === undefined ? {} : { maxLength }) });
  const server = await start(fixture.app, { authorizer: userAuthorizer });
  const net = await startNetworkDrop(server.port);
  relays.push(net);
  const publisher = recordedClient<Api>(server.url, { query: { user: 'pub' } });
  const publish = async (room: string, ...ns: number[]) => {
    for (const n of ns) await publisher.client.request('publish', { room, n });
  };
  const sub = recordedClient<Api>(net.via(server.url), {
    query: { user: 'ada' },
    session: true,
    backoff: { baseMs: 50, maxMs: 200 },
  });
  await sub.client.ready();
  /** Drops the subscriber's network and waits until the server has seen it go. */
  const away = async () => {
    net.drop({ refuse: true });
    await vi.waitFor(() => expect(sub.client.state).toBe('reconnecting'), { timeout: 10_000 });
    await vi.waitFor(() => expect(server.connections.size).toBe(1), { timeout: 10_000 });
  };
  /** Restores it and waits for the resumed session (n-th `resumed` event). */
  const back = async (resumes: number) => {
    net.restore();
    await vi.waitFor(() => expect(sub.of('resumed')).toHaveLength(resumes), { timeout: 30_000 });
  };
  return { ...fixture, store, server, net, publish, publisher, sub, away, back };
}

/** `reconnecting` events after the last `open`: a client that resumed and stays up has none. */
const reconnectsSinceOpen = (r: Recorded<Api>) => {
  const opened = r.events.findLastIndex((e) => e.name === 'open');
  return r.events.slice(opened + 1).filter((e) => e.name === 'reconnecting').length;
};

/** Runs `work` on `items` in chunks of `size` (requests stay under API Gateway's 32 KB frame). */
async function inChunks<T>(items: T[], size: number, work: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += size) await work(items.slice(i, i + size));
}

const received = (r: Recorded<Api>) =>
  r.of('message').map((m) => `${(m as Numbered).room}${(m as Numbered).n}`);

/** Registers the promise tests for `backend`; `backlog` is the size of the large-backlog case. */
export function sessionPromises(backend: PromiseBackend, { backlog }: { backlog: number }): void {
  describe(`session promises through @wsapp/client (${backend.name})`, { timeout: 120_000 }, () => {
    it('a message whose live send failed is replayed once although a later one arrived', async () => {
      const t = await setUp(backend);
      await t.sub.client.request('join', { room: 'a' });
      const refused = t.server.faults.inject({ status: 400 }); // the endpoint refuses message 1
      await t.publish('a', 1);
      refused.remove();
      await t.publish('a', 2);
      await vi.waitFor(() => expect(received(t.sub)).toEqual(['a2']));
      await t.away();
      await t.publish('a', 3);
      await t.back(2);
      await vi.waitFor(() => expect(received(t.sub)).toHaveLength(3));
      await sleep(200);
      expect(received(t.sub)).toEqual(['a2', 'a1', 'a3']);
      expect(t.sub.of('gap')).toEqual([]);
    });

    it('a channel joined after resuming, on which nothing arrived before the drop, is replayed', async () => {
      const t = await setUp(backend);
      await t.sub.client.request('join', { room: 'a' });
      await t.away();
      await t.back(2);
      await t.sub.client.request('join', { room: 'b' });
      await t.away();
      await t.publish('b', 1, 2, 3);
      await t.back(3);
      await vi.waitFor(() => expect(received(t.sub)).toEqual(['b1', 'b2', 'b3']));
      expect(t.sub.of('resumed')[2]).toMatchObject({ resumed: true, gaps: [] });
      expect(t.sub.of('gap')).toEqual([]);
    });

    it('joining and leaving 120 channels of 512-byte names leaves a bounded state and one reconnect per drop', async () => {
      const t = await setUp(backend);
      const names = Array.from({ length: 120 }, (_, n) => `long#${n}:`.padEnd(512, 'x'));
      await inChunks(names, 40, (join) => t.sub.client.request('channels', { join }));
      let n = 0;
      await inChunks(names, 40, (channels) => t.publisher.client.request('publishAll', { channels, n: ++n }));
      await vi.waitFor(() => expect(received(t.sub)).toEqual(['all1', 'all2', 'all3']));
      await inChunks(names, 40, (leave) => t.sub.client.request('channels', { leave }));
      await t.sub.client.request('join', { room: 'a' });
      await t.away();
      await t.publish('a', 1);
      await t.back(2);
      await vi.waitFor(() => expect(received(t.sub)).toEqual(['all1', 'all2', 'all3', 'a1']));
      await sleep(1500); // a loop would show here
      expect(reconnectsSinceOpen(t.sub)).toBe(0);
      expect(t.sub.of('error')).toEqual([]);
      expect(t.sub.of('open')).toHaveLength(2);
      // Only the session's channels are kept: the 120 left ones were forgotten.
      expect(Object.keys(t.sub.of('resumed')[1]?.heads ?? {})).toEqual(['room#a']);
    });

    it('a resume answered 400 keeps the connection up: an error event, no reconnect loop', async () => {
      const t = await setUp(backend);
      await t.sub.client.request('join', { room: 'a' });
      await t.away();
      t.refuseResumes();
      t.net.restore();
      await vi.waitFor(() => expect(t.sub.of('error')).toHaveLength(1), { timeout: 10_000 });
      expect(t.sub.of('error')[0]).toMatchObject({
        during: 'resume',
        error: { code: 'Rejected', status: 400 },
      });
      await sleep(1500);
      expect(t.sub.client.state).toBe('open');
      expect(t.sub.of('open')).toHaveLength(2);
      expect(reconnectsSinceOpen(t.sub)).toBe(0);
      expect(t.sub.of('error')).toHaveLength(1);
      // The connection works (its channels were rejoined at connect).
      await t.publish('a', 1);
      await vi.waitFor(() => expect(received(t.sub)).toEqual(['a1']));
    });

    it('holes left by failed live sends are filled while connected, and every message arrives once', async () => {
      const t = await setUp(backend);
      await t.sub.client.request('join', { room: 'a' });
      // Half of the live sends fail (seeded): more than 16 holes make the client ask for a replay.
      const seed = 26_10;
      console.info(`[sessions] failing sends seed ${seed}`);
      const fault = t.server.faults.inject({ status: 400, ratio: 0.5, seed });
      const ns = Array.from({ length: 150 }, (_, k) => k + 1);
      await t.publish('a', ...ns);
      fault.remove();
      const live = t.sub.of('message').filter((m) => (m as Numbered).$replay !== true).length;
      // Some holes were filled by replays while connected (the rest wait for the next replay).
      await vi.waitFor(() => expect(t.sub.of('message').length).toBeGreaterThan(live), { timeout: 10_000 });
      expect(t.sub.of('message').some((m) => (m as Numbered).$replay === true)).toBe(true);
      expect(t.sub.of('reconnecting')).toHaveLength(0);
      await t.away();
      await t.back(2);
      const all = ns.map((n) => `a${n}`);
      await vi.waitFor(() => expect([...new Set(received(t.sub))].sort()).toEqual([...all].sort()));
      await sleep(200);
      expect(received(t.sub)).toHaveLength(150); // each once
    });

    it('a busy channel while the client drops and resumes: every message exactly once', async () => {
      const t = await setUp(backend, 1000); // the log holds them all: no gap is expected
      await t.sub.client.request('join', { room: 'a' });
      let n = 0;
      const publishing = (async () => {
        while (n < 240) {
          await t.publish('a', ++n);
          if (n === 80) await t.away();
          if (n === 160) {
            t.net.restore();
          }
        }
      })();
      await publishing;
      await vi.waitFor(() => expect(t.sub.of('resumed')).toHaveLength(2), { timeout: 30_000 });
      await vi.waitFor(() => expect(new Set(received(t.sub)).size).toBe(240), { timeout: 30_000 });
      await sleep(300);
      expect(received(t.sub)).toHaveLength(240);
      expect(t.sub.of('gap')).toEqual([]);
    });

    it(`a backlog of ${backlog.toLocaleString('en')} messages arrives exactly once, in order, with management calls taking 20 ms`, async () => {
      const t = await setUp(backend, backlog);
      await t.sub.client.request('join', { room: 'a' });
      await t.away();
      // Broadcast from "Lambdas" directly, 25 at a time: the backlog, appended while away.
      for (let n = 1; n <= backlog; n += 25) {
        const batch = Array.from({ length: Math.min(25, backlog - n + 1) }, (_, k) => n + k);
        await Promise.all(
          batch.map((k) =>
            t.app.broadcast({ channels: ['room#a'] }, { room: 'a', n: k }, { endpoint: t.server.endpoint }),
          ),
        );
      }
      t.server.faults.inject({ delayMs: 20 });
      const started = Date.now();
      await t.back(2);
      const ms = Date.now() - started;
      await vi.waitFor(() => expect(t.sub.of('message')).toHaveLength(backlog), { timeout: 10_000 });
      const seqs = t.sub.of('message').map((m) => (m as Numbered).$seq?.['room#a']);
      expect(seqs).toEqual(Array.from({ length: backlog }, (_, k) => k + 1));
      expect(t.sub.of('resumed')[1]).toMatchObject({ resumed: true, gaps: [] });
      expect(t.sub.of('error')).toEqual([]);
      expect(t.sub.of('open')).toHaveLength(2);
      expect(reconnectsSinceOpen(t.sub)).toBe(0);
      console.info(`[sessions] ${backend.name}: ${backlog} missed messages resumed and replayed in ${ms} ms`);
    });
  });
}
