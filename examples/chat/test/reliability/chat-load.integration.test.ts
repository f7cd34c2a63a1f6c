/**
 * Load, loopback only and bounded: 2,000 concurrent WebSocket clients on the emulator run the chat
 * app on the harness's Redis, join rooms and chat for WSAPP_LOAD_SECONDS (default 5; run
 * `WSAPP_LOAD_SECONDS=30 pnpm vitest run --project integration examples/chat/test/reliability/chat-load`
 * for the long run). Every expected delivery and every received frame is counted: zero lost, zero
 * duplicated, zero orphan memberships at the end (backdoor SCAN of the store's keys), memory reported.
 */
import { execFileSync } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { serve } from '@wsapp/local';
import { RedisConnectionStore } from '@wsapp/store-redis';
import { uniqueName } from '@wsapp/testing';
import { Redis } from 'ioredis';
import { describe, expect, inject, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createChatApp } from '../../src/app.js';
import { nameAuthorizer } from '../../src/authorizer.js';

const CLIENTS = Number(process.env.WSAPP_LOAD_CLIENTS ?? 2000);
const SECONDS = Number(process.env.WSAPP_LOAD_SECONDS ?? 5);
const ROOM_SIZE = 4;
const ROOMS = CLIENTS / ROOM_SIZE;
const SENDERS = 100;

/** A chat participant that counts what it receives and answers one request at a time. */
class LoadClient {
  readonly received = new Map<string, number>(); // message text → times received
  joined = 0;
  left = 0;
  errors: unknown[] = [];
  #waiter: ((answer: Record<string, unknown>) => void) | undefined;

  constructor(
    readonly ws: WebSocket,
    readonly user: string,
    readonly room: string,
  ) {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Record<string, unknown>;
      if (frame.type === 'message') {
        const text = String(frame.text);
        this.received.set(text, (this.received.get(text) ?? 0) + 1);
      } else if (frame.type === 'joined') this.joined++;
      else if (frame.type === 'left') this.left++;
      else if (this.#waiter !== undefined) {
        const waiter = this.#waiter;
        this.#waiter = undefined;
        waiter(frame);
      } else this.errors.push(frame);
    });
  }

  ask(message: object): Promise<Record<string, unknown>> {
    if (this.#waiter !== undefined) throw new Error('one request at a time');
    return new Promise((resolve) => {
      this.#waiter = resolve;
      this.ws.send(JSON.stringify(message));
    });
  }
}

function openFdLimit(): number {
  return Number(execFileSync('sh', ['-c', 'ulimit -n']).toString().trim());
}

/** A full GC before each memory reading, so the figures compare live heap rather than garbage. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;

describe('chat under load', () => {
  it(`${CLIENTS} clients join ${ROOMS} rooms and chat for ${SECONDS} s on Redis: nothing lost, nothing left behind`, {
    timeout: 240_000 + SECONDS * 1000,
  }, async () => {
    // Each client holds two descriptors here (its socket and the server's side).
    const limit = openFdLimit();
    expect(limit, `ulimit -n is ${limit}; raise it to run ${CLIENTS} clients`).toBeGreaterThan(
      CLIENTS * 2 + 500,
    );
    const prefix = `${uniqueName('chatload')}:`;
    // A generous store deadline: this test measures loss under load, and shares the machine with
    // the rest of the integration run (at the 2 s default, members() in a $disconnect handler
    // timed out on a busy 2-core box during the full run).
    const store = new RedisConnectionStore({
      url: inject('wsappRedisUrl'),
      keyPrefix: prefix,
      commandTimeoutMs: 15_000,
    });
    const backdoor = new Redis(inject('wsappRedisUrl'));
    const logger = { error: vi.fn(), warn: vi.fn() };
    const server = await serve(createChatApp({ store, logger }), { authorizer: nameAuthorizer, logger });
    const clients: LoadClient[] = [];
    const memory = {
      before: process.memoryUsage(),
      loaded: process.memoryUsage(),
      after: process.memoryUsage(),
    };
    try {
      // Connect in batches (the gateway's own rate limit is 500/s; the emulator has none).
      const t0 = Date.now();
      for (let i = 0; i < CLIENTS; i += 200) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(200, CLIENTS - i) }, (_, k) => {
            const n = i + k;
            return new Promise<LoadClient>((resolve, reject) => {
              const ws = new WebSocket(`${server.url}?name=u${n}`);
              ws.once('open', () => resolve(new LoadClient(ws, `u${n}`, `r${n % ROOMS}`)));
              ws.once('error', reject);
            });
          }),
        );
        clients.push(...batch);
      }
      const connectMs = Date.now() - t0;
      expect(server.connections.size).toBe(CLIENTS);

      // Join in ROOM_SIZE waves, so each wave's "joined" notifications are exactly known.
      const t1 = Date.now();
      let expectedJoined = 0;
      for (let wave = 0; wave < ROOM_SIZE; wave++) {
        const joiners = clients.slice(wave * ROOMS, (wave + 1) * ROOMS);
        const acks = await Promise.all(joiners.map((c) => c.ask({ action: 'join', room: c.room })));
        for (const ack of acks) expect(ack).toMatchObject({ type: 'ack', action: 'join' });
        expectedJoined += joiners.length * wave;
      }
      const joinMs = Date.now() - t1;
      await vi.waitFor(() => expect(clients.reduce((n, c) => n + c.joined, 0)).toBe(expectedJoined), {
        timeout: 30_000,
      });
      memory.loaded = process.memoryUsage();

      // Chat: SENDERS loops, each over its own clients (one request per client at a time).
      const byRoom = new Map<string, LoadClient[]>();
      for (const c of clients) byRoom.set(c.room, [...(byRoom.get(c.room) ?? []), c]);
      const expected = new Map<LoadClient, number>(clients.map((c) => [c, 0]));
      let sent = 0;
      let expectedDeliveries = 0;
      const acksWrong: unknown[] = [];
      const t2 = Date.now();
      const until = t2 + SECONDS * 1000;
      await Promise.all(
        Array.from({ length: SENDERS }, async (_, w) => {
          const mine = clients.filter((_, i) => i % SENDERS === w);
          for (let k = 0; Date.now() < until; k++) {
            const from = mine[k % mine.length]!;
            const text = `m${w}-${k}`;
            sent++;
            const ack = await from.ask({ action: 'say', room: from.room, text });
            if (ack.type !== 'ack' || ack.delivered !== ROOM_SIZE - 1) acksWrong.push(ack);
            for (const to of byRoom.get(from.room)!) {
              if (to === from) continue;
              expected.set(to, expected.get(to)! + 1);
              expectedDeliveries++;
            }
          }
        }),
      );
      const chatMs = Date.now() - t2;
      // Every frame expected has arrived, exactly once; nothing unexpected arrived.
      const receivedTotal = () =>
        clients.reduce((n, c) => n + [...c.received.values()].reduce((a, b) => a + b, 0), 0);
      await vi.waitFor(() => expect(receivedTotal()).toBeGreaterThanOrEqual(expectedDeliveries), {
        timeout: 30_000,
      });
      await new Promise((r) => setTimeout(r, 300));
      expect(acksWrong).toEqual([]);
      expect(receivedTotal()).toBe(expectedDeliveries);
      for (const c of clients) {
        expect(
          [...c.received.values()].every((n) => n === 1),
          `${c.user} got a duplicate`,
        ).toBe(true);
        expect(c.received.size, c.user).toBe(expected.get(c)!);
        expect(c.errors, c.user).toEqual([]);
      }
      // The store agrees with the rooms: members() and the backdoor both list exactly the 4 members.
      for (const [room, members] of [...byRoom].slice(0, 50)) {
        const ids = (await store.members(`room#${room}`)).connectionIds.sort();
        expect(ids).toHaveLength(members.length);
        expect((await backdoor.zrange(store.keys.channel(`room#${room}`).lex, 0, -1)).sort()).toEqual(ids);
      }

      // Everyone leaves: every $disconnect is processed and nothing is left in Redis.
      const t3 = Date.now();
      for (const c of clients) c.ws.close(1000);
      await vi.waitFor(() => expect(server.connections.size).toBe(0), { timeout: 120_000, interval: 200 });
      const keysLeft = async () => {
        const keys: string[] = [];
        let cursor = '0';
        do {
          const [next, batch] = await backdoor.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
          keys.push(...batch);
          cursor = next;
        } while (cursor !== '0');
        return keys;
      };
      await vi.waitFor(async () => expect(await keysLeft()).toEqual([]), { timeout: 120_000, interval: 500 });
      const closeMs = Date.now() - t3;
      expect(logger.error).not.toHaveBeenCalled();
      const received = receivedTotal();
      // Closed sockets are no longer needed: drop every reference, collect, measure.
      clients.length = 0;
      byRoom.clear();
      expected.clear();
      collectGarbage();
      memory.after = process.memoryUsage();

      console.log(
        [
          `chat load: ${CLIENTS} clients in ${ROOMS} rooms of ${ROOM_SIZE}, Redis store`,
          `  connect ${connectMs} ms, join (4 waves, ${expectedJoined} "joined" frames) ${joinMs} ms`,
          `  chat ${chatMs} ms: ${sent} messages sent, ${expectedDeliveries} deliveries expected, ${received} received, 0 lost, 0 duplicated`,
          `  close + every $disconnect + 0 keys left in Redis: ${closeMs} ms`,
          `  memory rss ${mb(memory.before.rss)} → ${mb(memory.loaded.rss)} loaded → ${mb(memory.after.rss)} all left; ` +
            `heap ${mb(memory.before.heapUsed)} → ${mb(memory.loaded.heapUsed)} → ${mb(memory.after.heapUsed)}`,
        ].join('\n'),
      );
    } finally {
      for (const c of clients) c.ws.terminate();
      await server.close();
      await store.close();
      backdoor.disconnect();
    }
    // Everything released: the live heap is back near where it started (generous bound).
    collectGarbage();
    const closed = process.memoryUsage();
    console.log(
      `  memory after the emulator and the store closed: rss ${mb(closed.rss)}, heap ${mb(closed.heapUsed)}`,
    );
    expect(closed.heapUsed - memory.before.heapUsed).toBeLessThan(32 * 1024 * 1024);
  });
});
