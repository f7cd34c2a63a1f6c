/**
 * The cost of history on a broadcast: the same broadcast to a channel without history and to one
 * with history (`history: { channels: ['h:*'] }`: one `appendHistory` per broadcast, `$mid`/`$seq`
 * in the frame), interleaved round by round in the same run, to audiences of 1, 100 and `count`
 * real WebSocket connections (one `@wsapp/local` emulator process, one client process), on the
 * memory store and on Redis (started by `@wsapp/testing`) when available. Management calls are
 * answered without added latency, so the overhead is not hidden behind the network. The messenger
 * has a fixed endpoint (no record read per recipient), as deployed apps do.
 *
 *   node dist/history/run.js [count] [rounds]
 */
import type { ConnectionStore } from '@wsapp/core';
import { Messenger } from '@wsapp/core';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { startShards } from '../broadcast/harness.js';
import { emitResult } from '../lib/child.js';
import { median } from '../lib/stats.js';
import { loadLocal, loadWorkspacePackage } from '../lib/workspace.js';

const count = Number(process.argv[2] ?? 1000);
const rounds = Number(process.argv[3] ?? 30);
const silent = { error() {}, warn() {}, info() {}, debug() {} };

/** One audience size on one backend. */
export interface HistoryBenchRow {
  backend: string;
  members: number;
  /** Median ms per broadcast without / with history. */
  plainMs: number;
  historyMs: number;
  /** Store calls per broadcast (members pages + appends) without / with history. */
  plainCalls: number;
  historyCalls: number;
  /** Median ms of one `appendHistory` call alone on this backend (200 sequential calls). */
  appendMs: number;
  /** Frame bytes without / with history. */
  plainBytes: number;
  historyBytes: number;
}

/** What `history/run.js` emits. */
export interface HistoryBenchResult {
  skipped?: string;
  rounds: number;
  rows: HistoryBenchRow[];
  notes: string[];
}

if ((await loadLocal()) === undefined) {
  emitResult({ skipped: '@wsapp/local is not available (not merged or not built)' });
  process.exit(0);
}

/** Counts store calls, delegating to the real store. */
function counted(store: ConnectionStore): { store: ConnectionStore; calls: () => number } {
  let calls = 0;
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || property === 'constructor') return value;
      return (...args: unknown[]) => {
        calls++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, calls: () => calls };
}

const shards = await startShards(count, 12_500);
const rows: HistoryBenchRow[] = [];
const notes: string[] = [];
try {
  const shard = shards.shards[0];
  if (shard === undefined) throw new Error('no shard');
  const audiences = [...new Set([1, 100, count].filter((n) => n <= count))];
  let expected = await shards.received();

  async function measure(backend: string, base: ConnectionStore) {
    const { store, calls } = counted(base);
    for (const [i, id] of (shard as { ids: string[] }).ids.entries()) {
      const channels = audiences.filter((n) => i < n).flatMap((n) => [`p:${n}`, `h:${n}`]);
      await base.register(id, { channels, endpoint: (shard as { endpoint: string }).endpoint });
    }
    // A fixed endpoint, as deployed apps set it: no record read per recipient.
    const endpoint = (shard as { endpoint: string }).endpoint;
    const messenger = new Messenger({ store, endpoint, history: { channels: ['h:*'] }, logger: silent });
    const data = { room: 'lobby', text: 'a chat message of some fifty characters, give or take' };
    const appends: number[] = [];
    const retention = { maxLength: 100, ttlSeconds: 900 };
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      await base.appendHistory?.(
        'append-alone',
        { messageId: `m${i}`, payload: JSON.stringify(data) },
        retention,
      );
      appends.push(performance.now() - t);
    }
    const appendMs = median(appends);
    for (const members of audiences) {
      const plain: number[] = [];
      const logged: number[] = [];
      let plainCalls = 0;
      let historyCalls = 0;
      // Warm-up round (scripts loaded, sockets open), then interleaved rounds.
      for (let round = -1; round < rounds; round++) {
        for (const kind of round % 2 === 0 ? ['p', 'h'] : ['h', 'p']) {
          const before = calls();
          const t = performance.now();
          const report = await messenger.broadcast({ channels: [`${kind}:${members}`] }, data);
          const ms = performance.now() - t;
          if (report.delivered !== members)
            throw new Error(`${backend}: delivered ${report.delivered} of ${members}`);
          expected += members;
          if (round < 0) continue;
          if (kind === 'p') {
            plain.push(ms);
            plainCalls += calls() - before;
          } else {
            logged.push(ms);
            historyCalls += calls() - before;
          }
        }
      }
      await shards.waitReceived(expected);
      const head = await base.readHistory?.(`h:${members}`, { since: Number.MAX_SAFE_INTEGER, limit: 1 });
      const frame = {
        ...data,
        $mid: '00000000-0000-4000-8000-000000000000',
        $seq: { [`h:${members}`]: head?.headSeq ?? 0 },
      };
      rows.push({
        backend,
        members,
        plainMs: median(plain),
        historyMs: median(logged),
        plainCalls: plainCalls / rounds,
        historyCalls: historyCalls / rounds,
        appendMs,
        plainBytes: Buffer.byteLength(JSON.stringify(data)),
        historyBytes: Buffer.byteLength(JSON.stringify(frame)),
      });
    }
  }

  await measure('memory', new MemoryConnectionStore());

  type Harness = { startRedis?: () => Promise<{ url: string; kind: string; stop(): Promise<void> }> };
  const harness = (await loadWorkspacePackage<Harness>('testing')) ?? {};
  const redisPkg = await loadWorkspacePackage<{
    RedisConnectionStore?: new (o: object) => ConnectionStore & { close(): Promise<void> };
  }>('store-redis');
  if (redisPkg?.RedisConnectionStore === undefined || harness.startRedis === undefined) {
    notes.push('Redis: skipped (@wsapp/store-redis or the harness not built)');
  } else {
    const backend = await harness.startRedis();
    const store = new redisPkg.RedisConnectionStore({ url: backend.url, keyPrefix: 'bench-history:' });
    try {
      await measure(`Redis (${backend.kind})`, store);
    } catch (error) {
      notes.push(`Redis: failed (${error instanceof Error ? error.message : String(error)})`);
    } finally {
      await store.close();
      await backend.stop();
    }
  }
  emitResult({ rounds, rows, notes } satisfies HistoryBenchResult);
} finally {
  shards.close();
}
process.exit(0);
