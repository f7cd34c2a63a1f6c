/**
 * Broadcast throughput to `count` real WebSocket connections through `@wsapp/local`:
 * wsapp (`Messenger.broadcast` over a MemoryConnectionStore channel) vs (a) a sequential
 * `await` loop over `PostToConnectionCommand` (measured on a sample of connections and
 * extrapolated linearly) vs (b) raw pooled `PostToConnection` calls, same concurrency, no store.
 * Two scenarios: plain loopback (no network latency at all), and the emulator answering every
 * management call after `latencyMs` (an in-region API Gateway round trip). Interleaved rounds;
 * every round checks the clients really received every message.
 *
 *   node --expose-gc dist/broadcast/run.js [count] [rounds] [latencyMs]
 */
import { Messenger } from '@wsapp/core';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { emitResult } from '../lib/child.js';
import { median, rotate } from '../lib/stats.js';
import { loadLocal } from '../lib/workspace.js';
import { CONCURRENCY, defaultClient, pooledClient, rawPooled, sequentialLoop } from './contenders.js';
import { startShards, withMemory } from './harness.js';

const count = Number(process.argv[2] ?? 10_000);
const rounds = Number(process.argv[3] ?? 3);
const latencyMs = Number(process.argv[4] ?? 20);

if ((await loadLocal()) === undefined) {
  emitResult({ skipped: '@wsapp/local is not available (not merged or not built)' });
  process.exit(0);
}

type Name = 'wsapp' | 'raw' | 'sequential';
const shards = await startShards(count, 15_000);
try {
  const shard = shards.shards[0];
  if (shard === undefined || shards.shards.length !== 1) throw new Error('expected one shard');
  const { endpoint, ids } = shard;
  const store = new MemoryConnectionStore();
  for (const id of ids) await store.register(id, { channels: ['room'], endpoint });
  const messenger = new Messenger({ store, endpoint, concurrency: CONCURRENCY });
  const pooled = pooledClient(endpoint);
  const sequential = defaultClient(endpoint);
  const payload = { ticker: 'AMZN', price: 187.3 };
  const data = new TextEncoder().encode(JSON.stringify(payload));
  let expected = await shards.received();
  let missing = 0;

  async function scenario(latency: number, sequentialSample: number) {
    await shards.setLatency(latency);
    const run: Record<Name, () => Promise<number>> = {
      wsapp: async () => (await messenger.broadcast({ channels: ['room'] }, payload)).delivered,
      raw: () => rawPooled([{ client: pooled, ids }], data),
      sequential: () => sequentialLoop(sequential, ids.slice(0, sequentialSample), data),
    };
    const targets: Record<Name, number> = { wsapp: count, raw: count, sequential: sequentialSample };
    const samples: Record<Name, { ms: number[]; heap: number[]; rss: number[]; delivered: number[] }> = {
      wsapp: { ms: [], heap: [], rss: [], delivered: [] },
      raw: { ms: [], heap: [], rss: [], delivered: [] },
      sequential: { ms: [], heap: [], rss: [], delivered: [] },
    };
    // Warm-up: SDK loaded, sockets pooled, JIT warm.
    for (const name of ['wsapp', 'raw', 'sequential'] as const) expected += await run[name]();
    expected = await shards.waitReceived(expected);
    for (let round = 0; round < rounds; round++) {
      for (const name of rotate(['wsapp', 'raw', 'sequential'] as Name[], round)) {
        const m = await withMemory(run[name]);
        samples[name].ms.push(m.ms);
        samples[name].heap.push(m.heapDelta);
        samples[name].rss.push(m.rssDelta);
        samples[name].delivered.push(m.value);
        expected += m.value;
        const got = await shards.waitReceived(expected);
        missing += expected - got;
        expected = got;
      }
    }
    return {
      latencyMs: latency,
      sequentialSample,
      contenders: (Object.keys(samples) as Name[]).map((name) => {
        const s = samples[name];
        const ms = median(s.ms);
        return {
          name,
          measuredOn: targets[name],
          ms,
          msFor: (ms * count) / targets[name],
          perSecond: (targets[name] / ms) * 1000,
          delivered: Math.min(...s.delivered),
          expected: targets[name],
          heapDelta: median(s.heap),
          rssDelta: median(s.rss),
        };
      }),
    };
  }

  const loopback = await scenario(0, Math.min(count, 1_000));
  const withLatency = latencyMs > 0 ? await scenario(latencyMs, Math.min(count, 200)) : undefined;
  emitResult({
    count,
    rounds,
    concurrency: CONCURRENCY,
    clientsMissing: missing,
    scenarios: withLatency ? [loopback, withLatency] : [loopback],
  });
} finally {
  shards.close();
}
process.exit(0);
