/**
 * Reliability: each connection is reached at most once per broadcast, whatever the overlap of the
 * target's sources (channels sharing members, a channel named twice, `connectionIds` repeating an
 * id or naming channel members) and however the broadcast is split across invocations with
 * `maxPages`/`cursor`. Checked on the emulator's real sockets (frames received) and against its
 * counters (POSTs answered).
 */
import { type BroadcastReport, type BroadcastTarget, Messenger, WebSocketApp } from '@wsapp/core';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { describe, expect, it } from 'vitest';
import { type Client, connect, silentLogger, start } from '../helpers.js';

function app(store: MemoryConnectionStore) {
  return new WebSocketApp({ store, logger: silentLogger() }).route(
    'whoami',
    { twoWay: true },
    (ctx) => ctx.connectionId,
  );
}

async function openClients(url: string, n: number) {
  const clients: Array<{ client: Client; id: string; frames: string[] }> = [];
  for (let i = 0; i < n; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, n - i) }, async () => {
        const client = await connect(url);
        client.send({ action: 'whoami' });
        const id = await client.text();
        const entry = { client, id, frames: [] as string[] };
        client.ws.on('message', (data) => entry.frames.push(String(data)));
        return entry;
      }),
    );
    clients.push(...batch);
  }
  return clients;
}

/** Runs a broadcast to completion, `maxPages` pages per invocation, as a chain of Lambdas would. */
async function splitBroadcast(
  messenger: Messenger,
  target: BroadcastTarget,
  data: string | object,
  maxPages: number,
  pageSize: number,
) {
  const reports: BroadcastReport[] = [];
  let cursor: string | undefined;
  do {
    const report = await messenger.broadcast(target, data, {
      maxPages,
      pageSize,
      ...(cursor === undefined ? {} : { cursor }),
    });
    reports.push(report);
    cursor = report.cursor;
  } while (cursor !== undefined && reports.length < 1000);
  return reports;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

describe('each connection at most once per broadcast', { timeout: 60_000 }, () => {
  it('overlapping channels, split one page per invocation: every socket gets exactly one frame', async () => {
    const store = new MemoryConnectionStore();
    const server = await start(app(store));
    const clients = await openClients(server.url, 60);
    // a: 0..39, b: 20..59, c: 0..9 and 50..59 (every member of c is also in a or b).
    for (const [i, c] of clients.entries()) {
      const channels = [i < 40 ? 'a' : '', i >= 20 ? 'b' : '', i < 10 || i >= 50 ? 'c' : ''].filter(Boolean);
      await store.join(c.id, channels);
    }
    const messenger = new Messenger({ store, endpoint: server.endpoint });
    server.stats.reset();
    const reports = await splitBroadcast(messenger, { channels: ['a', 'b', 'c'] }, 'once', 1, 7);
    await settle();
    const attempted = reports.reduce((n, r) => n + r.attempted, 0);
    const delivered = reports.reduce((n, r) => n + r.delivered, 0);
    console.log(`3 overlapping channels, pages of 7: ${reports.length} invocations, attempted ${attempted}`);
    expect(reports.length).toBeGreaterThan(3);
    for (const c of clients) expect(c.frames, c.id).toEqual(['once']);
    expect(attempted).toBe(60);
    expect(delivered).toBe(60);
    expect(server.stats.count({ method: 'POST' })).toBe(60);
    // Every invocation of one broadcast carries the same message id.
    expect(new Set(reports.map((r) => r.messageId)).size).toBe(1);
  });

  it('connectionIds repeating an id, naming channel members, and a channel named twice', async () => {
    const store = new MemoryConnectionStore();
    const server = await start(app(store));
    const clients = await openClients(server.url, 12);
    const ids = clients.map((c) => c.id);
    for (const id of ids.slice(0, 8)) await store.join(id, ['room']);
    const messenger = new Messenger({ store, endpoint: server.endpoint });

    // Only ids, one repeated three times.
    server.stats.reset();
    const only = await messenger.broadcast({ connectionIds: [ids[9]!, ids[9]!, ids[10]!, ids[9]!] }, 'ids');
    await settle();
    expect(only).toMatchObject({ attempted: 2, delivered: 2 });
    expect(server.stats.count({ method: 'POST' })).toBe(2);

    // Ids overlapping a channel, the channel named twice, split across invocations.
    server.stats.reset();
    const target = { connectionIds: [ids[0]!, ids[11]!, ids[0]!], channels: ['room', 'room'] };
    const reports = await splitBroadcast(messenger, target, 'mixed', 1, 3);
    await settle();
    expect(reports.reduce((n, r) => n + r.attempted, 0)).toBe(9);
    expect(server.stats.count({ method: 'POST' })).toBe(9);
    for (const [i, c] of clients.entries()) {
      const expected = [...(i === 9 || i === 10 ? ['ids'] : []), ...(i < 8 || i === 11 ? ['mixed'] : [])];
      expect(c.frames, c.id).toEqual(expected);
    }
  });

  it('a resumed cursor is refused for another target, and the message id can be embedded (opt-in)', async () => {
    const store = new MemoryConnectionStore();
    const server = await start(app(store));
    const clients = await openClients(server.url, 6);
    for (const c of clients) await store.join(c.id, ['x', 'y']);
    const messenger = new Messenger({ store, endpoint: server.endpoint });
    const first = await messenger.broadcast(
      { channels: ['x', 'y'] },
      { n: 1 },
      {
        maxPages: 1,
        pageSize: 4,
        messageIdField: 'mid',
      },
    );
    expect(first.cursor).toBeDefined();
    expect(first.messageId).toMatch(/^[0-9a-f-]{36}$/);
    await expect(
      messenger.broadcast({ channels: ['y', 'x'] }, { n: 1 }, { cursor: first.cursor as string }),
    ).rejects.toThrow(/another target/);
    const rest = await messenger.broadcast(
      { channels: ['x', 'y'] },
      { n: 1 },
      {
        cursor: first.cursor as string,
        messageIdField: 'mid',
      },
    );
    expect(rest.messageId).toBe(first.messageId);
    expect(first.attempted + rest.attempted).toBe(6);
    await settle();
    for (const c of clients) {
      expect(c.frames.map((f) => JSON.parse(f))).toEqual([{ n: 1, mid: first.messageId }]);
    }
    // A caller-chosen id (e.g. the SQS message id) is used as is; without the field, the payload is untouched.
    const own = await messenger.broadcast({ channels: ['x'] }, 'plain', { messageId: 'sqs-123' });
    expect(own.messageId).toBe('sqs-123');
    await settle();
    expect(clients[0]!.frames.at(-1)).toBe('plain');
    await expect(messenger.broadcast({ channels: ['x'] }, 'text', { messageIdField: 'mid' })).rejects.toThrow(
      TypeError,
    );
  });

  it('documented limit: memberships changed between two invocations of a split broadcast', async () => {
    const store = new MemoryConnectionStore();
    const server = await start(app(store));
    const [leaver, joiner, ...others] = await openClients(server.url, 6);
    await store.join(leaver!.id, ['a', 'b']);
    await store.join(joiner!.id, ['b']);
    for (const c of others) await store.join(c.id, ['a', 'b']);
    const messenger = new Messenger({ store, endpoint: server.endpoint });
    const options = { maxPages: 1, pageSize: 10, messageIdField: 'mid' };
    const first = await messenger.broadcast({ channels: ['a', 'b'] }, { n: 1 }, options);
    expect(first.attempted).toBe(5); // channel a, whole
    // Between the invocations: one connection leaves the earlier channel, another joins it.
    await store.leave(leaver!.id, ['a']);
    await store.join(joiner!.id, ['a']);
    const second = await messenger.broadcast(
      { channels: ['a', 'b'] },
      { n: 1 },
      {
        ...options,
        cursor: first.cursor as string,
      },
    );
    await settle();
    const mids = (c: { frames: string[] }) => c.frames.map((f) => JSON.parse(f).mid);
    // The leaver is no longer listed in `a`, so channel `b` reaches it again: same message id, the
    // client can drop it. The joiner now lists `a`, so `b` takes it as reached there: it is skipped.
    expect(mids(leaver!)).toEqual([first.messageId, first.messageId]);
    expect(mids(joiner!)).toEqual([]);
    for (const c of others) expect(mids(c)).toEqual([first.messageId]);
    expect(second.attempted).toBe(1);
  });
});
