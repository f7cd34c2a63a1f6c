/**
 * Fan-out throughput: one channel of `count` members (real WebSocket connections over sharded
 * `@wsapp/local` emulators answering each management call after `latencyMs`), delivered by 1, 2, 4
 * and 8 fan-out workers (`fanOutWorker`, one slice each, each with its own `Messenger` as separate
 * Lambdas would have) against one `broadcast()`. Workers run in this process, invoked with the SQS
 * records `fanOut` would enqueue (the queue's own latency is not what is measured), so the curve
 * shows where one process's CPU caps the fleet on this machine; separate Lambdas each bring a core.
 *
 *   node dist/fanout/run.js [count] [workers] [latencyMs]
 */
import { encodeFanOutTask, fanOutWorker, Messenger } from '@wsapp/core';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { startShards } from '../broadcast/harness.js';
import { emitResult } from '../lib/child.js';
import { loadLocal } from '../lib/workspace.js';

const count = Number(process.argv[2] ?? 50_000);
const workerCounts = (process.argv[3] ?? '1,2,4,8').split(',').map(Number);
const latencyMs = Number(process.argv[4] ?? 20);
const CONCURRENCY = 50;
const silent = { error() {}, warn() {}, info() {}, debug() {} };

if ((await loadLocal()) === undefined) {
  emitResult({ skipped: '@wsapp/local is not available (not merged or not built)' });
  process.exit(0);
}

const shards = await startShards(count, 12_500);
try {
  const store = new MemoryConnectionStore();
  for (const shard of shards.shards) {
    for (const id of shard.ids) await store.register(id, { channels: ['room'], endpoint: shard.endpoint });
  }
  await shards.setLatency(latencyMs);
  const payload = { ticker: 'AMZN', price: 187.3 };
  let expected = await shards.received();
  const points: Array<{
    workers: number;
    ms: number;
    perSecond: number;
    delivered: number;
    missing: number;
  }> = [];

  // Baseline: one broadcast() in one process.
  const single = new Messenger({ store, concurrency: CONCURRENCY, logger: silent });
  let t = performance.now();
  const report = await single.broadcast({ channels: ['room'] }, payload);
  const baselineMs = performance.now() - t;
  expected += report.delivered;
  await shards.waitReceived(expected);

  for (const workers of workerCounts) {
    const slices = await store.memberSlices('room', workers);
    const p = Buffer.from(JSON.stringify(payload)).toString('base64');
    const id = `bench-${workers}-${Date.now()}`;
    const handlers = slices.map(() =>
      fanOutWorker({
        messenger: new Messenger({ store, concurrency: CONCURRENCY, logger: silent }),
        logger: silent,
        queueUrl: 'http://127.0.0.1:9/unused',
      }),
    );
    t = performance.now();
    const results = await Promise.all(
      slices.map((c, n) =>
        handlers[n]?.({
          Records: [
            { messageId: `m${n}`, body: encodeFanOutTask({ v: 1, b: id, k: `0.${n}`, ch: 'room', c, p }) },
          ],
        }),
      ),
    );
    const ms = performance.now() - t;
    if (results.some((r) => (r?.batchItemFailures.length ?? 1) > 0)) throw new Error('a slice failed');
    const before = expected;
    expected += count;
    const received = await shards.waitReceived(expected);
    points.push({
      workers,
      ms,
      perSecond: (count / ms) * 1000,
      delivered: received - before,
      missing: expected - received,
    });
  }
  emitResult({
    count,
    latencyMs,
    concurrency: CONCURRENCY,
    baseline: {
      ms: baselineMs,
      perSecond: (report.delivered / baselineMs) * 1000,
      delivered: report.delivered,
    },
    points,
  });
} finally {
  shards.close();
}
process.exit(0);
