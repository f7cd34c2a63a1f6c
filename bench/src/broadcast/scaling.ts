/**
 * Scaling curve: `Messenger.broadcast` to 1k … 50k real WebSocket connections (memory store,
 * `@wsapp/local` emulators). Each emulator shard holds at most 12,500 sockets (one process is
 * limited to 20,000 open files here), so every size uses the same path: the endpoint recorded
 * with each connection at registration. Reports time and heap/RSS peaks above the start.
 *
 *   node --expose-gc dist/broadcast/scaling.js [sizes] [rounds]
 */
import { Messenger } from '@wsapp/core';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { emitResult } from '../lib/child.js';
import { median } from '../lib/stats.js';
import { loadLocal } from '../lib/workspace.js';
import { CONCURRENCY } from './contenders.js';
import { startShards, withMemory } from './harness.js';

const sizes = (process.argv[2] ?? '1000,10000,50000').split(',').map(Number);
const rounds = Number(process.argv[3] ?? 1);
const PER_SHARD = 12_500;

if ((await loadLocal()) === undefined) {
  emitResult({ skipped: '@wsapp/local is not available (not merged or not built)' });
  process.exit(0);
}

const points: unknown[] = [];
for (const size of sizes) {
  let shards: Awaited<ReturnType<typeof startShards>> | undefined;
  const opening = performance.now();
  try {
    shards = await startShards(size, PER_SHARD);
    const openMs = performance.now() - opening;
    const store = new MemoryConnectionStore();
    for (const shard of shards.shards) {
      for (const id of shard.ids) await store.register(id, { channels: ['room'], endpoint: shard.endpoint });
    }
    const messenger = new Messenger({ store, concurrency: CONCURRENCY });
    const payload = { ticker: 'AMZN', price: 187.3 };
    let expected = await shards.received();
    // Warm-up once (SDK loaded, JIT warm); later sizes reuse this process.
    if (points.length === 0)
      expected += (await messenger.broadcast({ channels: ['room'] }, payload)).delivered;
    const ms: number[] = [];
    const heap: number[] = [];
    const rss: number[] = [];
    let delivered = Number.POSITIVE_INFINITY;
    for (let round = 0; round < rounds; round++) {
      const m = await withMemory(() => messenger.broadcast({ channels: ['room'] }, payload));
      ms.push(m.ms);
      heap.push(m.heapDelta);
      rss.push(m.rssDelta);
      delivered = Math.min(delivered, m.value.delivered);
      expected += m.value.delivered;
    }
    const received = await shards.waitReceived(expected);
    points.push({
      size,
      shards: shards.shards.length,
      openMs,
      ms: median(ms),
      perSecond: (size / median(ms)) * 1000,
      heapDelta: median(heap),
      rssDelta: median(rss),
      delivered,
      clientsMissing: expected - received,
    });
  } catch (error) {
    points.push({ size, skipped: error instanceof Error ? error.message : String(error) });
  } finally {
    shards?.close();
    await new Promise((r) => setTimeout(r, 1000));
  }
}
emitResult({ rounds, perShard: PER_SHARD, concurrency: CONCURRENCY, points });
process.exit(0);
