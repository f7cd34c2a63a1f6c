/**
 * Fan-out throughput: one channel of `count` members (real WebSocket connections over sharded
 * `@wsapp/local` emulators answering each management call after `latencyMs`), delivered by 1…N
 * fan-out workers against one `broadcast()`. Every worker is a process of its own
 * (`fanout/worker.js`, as separate Lambdas would be); the baseline `broadcast()` runs in one such
 * process too. Workers are invoked with the SQS record `fanOut` would enqueue for their slice (the
 * queue's own latency is not what is measured). Points alternate within each round (order rotated
 * per round); medians over rounds. CPU time of every process (workers, emulators, clients) is
 * recorded per delivery, so the report can tell where the machine's cores became the limit.
 *
 * With `rate` > 0, one more round delivers through workers capped at `rate` messages/s each
 * (`ratePerSecond`, how a fleet is kept under the account quota): their sum is the linear line.
 *
 *   node dist/fanout/run.js [count] [workers] [latencyMs] [rounds] [concurrency] [rate]
 */
import { type ChildProcess, fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { nextMessage, startShards } from '../broadcast/harness.js';
import { benchFile, emitResult } from '../lib/child.js';
import { median, rotate } from '../lib/stats.js';
import { loadLocal } from '../lib/workspace.js';

const count = Number(process.argv[2] ?? 50_000);
const workerCounts = (process.argv[3] ?? '1,2,4,8').split(',').map(Number);
const latencyMs = Number(process.argv[4] ?? 20);
const rounds = Number(process.argv[5] ?? 2);
const concurrency = Number(process.argv[6] ?? 50);
const rate = Number(process.argv[7] ?? 0);

if ((await loadLocal()) === undefined) {
  emitResult({ skipped: '@wsapp/local is not available (not merged or not built)' });
  process.exit(0);
}

interface Done {
  type: 'done';
  ms: number;
  delivered: number;
  gone: number;
  failed: number;
  cpuUs: number;
}

/** One measured delivery. */
interface Sample {
  ms: number;
  delivered: number;
  missing: number;
  extra: number;
  senderCpuUs: number;
  emulatorsCpuUs: number;
  clientsCpuUs: number;
}

const load = () => loadavg().map((l) => Number(l.toFixed(2)));
const loadAtStart = load();
const shards = await startShards(count, 12_500);
const workers: ChildProcess[] = [];
try {
  await shards.setLatency(latencyMs);
  const members = shards.shards.flatMap((s) => s.ids.map((id): [string, string] => [id, s.endpoint]));
  const pool = Math.max(...workerCounts);
  for (let n = 0; n < pool; n++) {
    const child = fork(benchFile('fanout/worker.js'), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: ['--max-old-space-size=2048'],
    });
    workers.push(child);
    child.send({ type: 'members', members, concurrency });
  }
  for (const child of workers) await nextMessage(child, 'ready');

  let runs = 0;
  /** Waits for `target` frames at the clients, then a moment more so a duplicate would show too. */
  async function settled(target: number): Promise<number> {
    await shards.waitReceived(target);
    await new Promise((r) => setTimeout(r, 300));
    return shards.received();
  }
  /** Starts `k` processes at once; the delivery ends when the last one is done. */
  async function deliver(k: number, mode: 'worker' | 'broadcast', rate?: number): Promise<Sample> {
    const broadcastId = `bench-${k}-${++runs}`;
    const before = await shards.received();
    const cpuBefore = await shards.cpu();
    const chosen = workers.slice(0, k);
    const t = performance.now();
    const results = await Promise.all(
      chosen.map((child, index) => {
        const done = nextMessage<Done>(child, 'done', 600_000);
        child.send({ type: 'run', mode, slices: k, index, broadcastId, ...(rate ? { rate } : {}) });
        return done;
      }),
    );
    const ms = performance.now() - t;
    const received = await settled(before + count);
    const cpuAfter = await shards.cpu();
    if (results.some((r) => r.failed > 0)) throw new Error(`${mode} × ${k}: a delivery failed`);
    return {
      ms,
      delivered: received - before,
      missing: Math.max(0, before + count - received),
      extra: Math.max(0, received - before - count),
      senderCpuUs: results.reduce((s, r) => s + r.cpuUs, 0),
      emulatorsCpuUs: cpuAfter.emulatorsUs - cpuBefore.emulatorsUs,
      clientsCpuUs: cpuAfter.clientsUs - cpuBefore.clientsUs,
    };
  }

  // Warm-up, not measured: every process delivers a slice once (JIT, keep-alive sockets, emulators).
  const warm = await deliver(pool, 'worker');
  process.stderr.write(`[fanout] warm-up: ${warm.delivered} frames for ${count} members\n`);
  type Point = { label: 'broadcast' | number };
  const points: Point[] = [{ label: 'broadcast' }, ...workerCounts.map((w) => ({ label: w }))];
  const samples = new Map<Point['label'], Sample[]>(points.map((p) => [p.label, []]));
  for (let round = 0; round < rounds; round++) {
    for (const p of rotate(points, round)) {
      const s = p.label === 'broadcast' ? await deliver(1, 'broadcast') : await deliver(p.label, 'worker');
      samples.get(p.label)?.push(s);
      process.stderr.write(
        `[fanout] round ${round + 1} ${p.label === 'broadcast' ? 'broadcast()' : `${p.label} workers`}: ${Math.round(s.ms)} ms, ${Math.round((count / s.ms) * 1000)}/s\n`,
      );
    }
  }
  const summary = (label: Point['label']) => {
    const list = samples.get(label) ?? [];
    const ms = median(list.map((s) => s.ms));
    return {
      ms,
      perSecond: (count / ms) * 1000,
      perRound: list.map((s) => Math.round((count / s.ms) * 1000)),
      delivered: Math.min(...list.map((s) => s.delivered)),
      missing: list.reduce((sum, s) => sum + s.missing, 0),
      extra: list.reduce((sum, s) => sum + s.extra, 0),
      // Cores kept busy during the delivery, by kind of process (CPU time ÷ wall time).
      senderCores: median(list.map((s) => s.senderCpuUs / 1000 / s.ms)),
      emulatorCores: median(list.map((s) => s.emulatorsCpuUs / 1000 / s.ms)),
      clientCores: median(list.map((s) => s.clientsCpuUs / 1000 / s.ms)),
    };
  };
  const rated: Array<{
    workers: number;
    ms: number;
    perSecond: number;
    delivered: number;
    missing: number;
    extra: number;
  }> = [];
  for (const k of rate > 0 ? workerCounts : []) {
    const s = await deliver(k, 'worker', rate);
    rated.push({
      workers: k,
      ms: s.ms,
      perSecond: (count / s.ms) * 1000,
      delivered: s.delivered,
      missing: s.missing,
      extra: s.extra,
    });
    process.stderr.write(
      `[fanout] ${k} workers at ${rate}/s each: ${Math.round(s.ms)} ms, ${Math.round((count / s.ms) * 1000)}/s\n`,
    );
  }
  emitResult({
    count,
    latencyMs,
    concurrency,
    rounds,
    shards: shards.shards.length,
    loadAtStart,
    loadAtEnd: load(),
    baseline: summary('broadcast'),
    points: workerCounts.map((workers) => ({ workers, ...summary(workers) })),
    ...(rate > 0 ? { rated: { rate, points: rated } } : {}),
  });
} finally {
  for (const child of workers) if (child.exitCode === null) child.kill('SIGKILL');
  shards.close();
}
process.exit(0);
