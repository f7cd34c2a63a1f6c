import { type ChildProcess, fork } from 'node:child_process';
import { benchFile } from '../lib/child.js';

export interface Message {
  type: string;
}

/** The child's next IPC message of `type` (rejects on its `error` message, its exit or the timeout). */
export function nextMessage<T extends Message>(
  child: ChildProcess,
  type: string,
  timeoutMs = 300_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`timed out waiting for ${type}`)), timeoutMs);
    const onMessage = (message: Message & Record<string, unknown>) => {
      if (message.type === type) done(undefined, message as T);
      else if (message.type === 'error') done(new Error(String(message.message)));
    };
    const onExit = (code: number | null) => done(new Error(`child exited (${code}) before ${type}`));
    function done(error?: Error, value?: T) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(value as T);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

export interface Shard {
  endpoint: string;
  ids: string[];
  emulator: ChildProcess;
  clients: ChildProcess;
}

export interface Shards {
  shards: Shard[];
  total: number;
  /** Messages received by all clients so far. */
  received(): Promise<number>;
  /** Waits until the clients received `target` messages in all (or the timeout). */
  waitReceived(target: number, timeoutMs?: number): Promise<number>;
  /** CPU time (user + system, µs) the emulator and the client processes used so far. */
  cpu(): Promise<{ emulatorsUs: number; clientsUs: number }>;
  /** Adds `ms` of latency to every management API call of every shard (0 removes it). */
  setLatency(ms: number): Promise<void>;
  close(): void;
}

/**
 * Starts `count` real WebSocket connections spread over emulator shards of at most `perShard`
 * (each emulator and each client process stays under the 20,000 open-files limit), one emulator
 * process and one client process per shard.
 */
export async function startShards(count: number, perShard: number): Promise<Shards> {
  const shardCount = Math.ceil(count / perShard);
  const children: ChildProcess[] = [];
  const shards: Shard[] = [];
  const close = () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  };
  try {
    for (let s = 0; s < shardCount; s++) {
      const size = Math.min(perShard, count - s * perShard);
      const emulator = fork(benchFile('broadcast/emulator.js'), [], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        execArgv: ['--max-old-space-size=4096'],
      });
      children.push(emulator);
      const ready = await nextMessage<{ type: 'ready'; url: string; endpoint: string }>(emulator, 'ready');
      const clients = fork(benchFile('broadcast/clients.js'), [ready.url, String(size)], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        execArgv: ['--max-old-space-size=4096'],
      });
      children.push(clients);
      const opened = await nextMessage<{ type: 'open'; opened: number; failed: number }>(clients, 'open');
      if (opened.failed > 0) throw new Error(`${opened.failed} of ${size} clients failed to connect`);
      emulator.send({ type: 'ids' });
      const { ids } = await nextMessage<{ type: 'ids'; ids: string[] }>(emulator, 'ids');
      if (ids.length !== size)
        throw new Error(`shard ${s}: ${ids.length} connections open, expected ${size}`);
      shards.push({ endpoint: ready.endpoint, ids, emulator, clients });
    }
  } catch (error) {
    close();
    throw error;
  }
  const received = async () => {
    let total = 0;
    for (const shard of shards) {
      shard.clients.send({ type: 'received' });
      total += (await nextMessage<{ type: 'received'; received: number }>(shard.clients, 'received'))
        .received;
    }
    return total;
  };
  return {
    shards,
    total: count,
    received,
    async waitReceived(target, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      let got = await received();
      while (got < target && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 50));
        got = await received();
      }
      return got;
    },
    async cpu() {
      let emulatorsUs = 0;
      let clientsUs = 0;
      for (const shard of shards) {
        shard.emulator.send({ type: 'cpu' });
        emulatorsUs += (await nextMessage<{ type: 'cpu'; us: number }>(shard.emulator, 'cpu')).us;
        shard.clients.send({ type: 'cpu' });
        clientsUs += (await nextMessage<{ type: 'cpu'; us: number }>(shard.clients, 'cpu')).us;
      }
      return { emulatorsUs, clientsUs };
    },
    async setLatency(ms) {
      for (const shard of shards) {
        shard.emulator.send({ type: 'latency', ms });
        await nextMessage(shard.emulator, 'latency');
      }
    },
    close,
  };
}

/**
 * Times `work` and measures the memory it keeps alive: every `sampleEveryMs` a full GC is forced
 * (needs `--expose-gc`) and the live heap sampled, so garbage awaiting collection is not counted —
 * a streamed broadcast keeps a flat working set even though it allocates in proportion to its size.
 * Answers the peaks of live heap and RSS above the start. The forced GCs cost every contender alike.
 */
export async function withMemory<T>(
  work: () => Promise<T>,
  sampleEveryMs = 250,
): Promise<{ value: T; heapDelta: number; rssDelta: number; ms: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  gc();
  const before = process.memoryUsage();
  let heapPeak = before.heapUsed;
  let rssPeak = before.rss;
  const sample = () => {
    gc();
    const m = process.memoryUsage();
    if (m.heapUsed > heapPeak) heapPeak = m.heapUsed;
    if (m.rss > rssPeak) rssPeak = m.rss;
  };
  const timer = setInterval(sample, sampleEveryMs);
  const started = performance.now();
  try {
    const value = await work();
    const ms = performance.now() - started;
    return { value, heapDelta: heapPeak - before.heapUsed, rssDelta: rssPeak - before.rss, ms };
  } finally {
    clearInterval(timer);
  }
}
