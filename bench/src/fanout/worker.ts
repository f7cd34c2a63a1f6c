/**
 * Child process: one fan-out worker, as one Lambda would be — its own process, its own `Messenger`
 * (own HTTP agent, the concurrency the parent asks for), its own copy of the channel (a `MemoryConnectionStore` holding
 * every member in the order the parent sent them, so `memberSlices` plans the same slices in every
 * process; the parent never partitions the members itself).
 *
 * IPC, in order: `{ type: 'members', members: [id, endpoint][], concurrency }` → `{ type: 'ready' }`; then per
 * run `{ type: 'run', mode: 'worker' | 'broadcast', slices, index, broadcastId, rate? }` →
 * `{ type: 'done', ms, delivered, gone, failed, cpuUs }` (`ms` and `cpuUs` of the delivery alone).
 * `mode: 'broadcast'` is the baseline: one `broadcast()` to the whole channel.
 *
 *   forked by fanout/run.js
 */
import { encodeFanOutTask, fanOutWorker, Messenger } from '@wsapp/core';
import { MemoryConnectionStore } from '@wsapp/store-memory';

const silent = { error() {}, warn() {}, info() {}, debug() {} };
const payload = { ticker: 'AMZN', price: 187.3 };

interface RunMessage {
  type: 'run';
  mode: 'worker' | 'broadcast';
  slices: number;
  index: number;
  broadcastId: string;
  /** The worker's `ratePerSecond` (absent: unlimited). */
  rate?: number;
}
type Message =
  | { type: 'members'; members: Array<[string, string]>; concurrency: number }
  | RunMessage
  | { type: 'exit' };

const store = new MemoryConnectionStore();
const reports: Array<{ delivered: number; gone: number; failed: number }> = [];
let messenger: Messenger | undefined;
/** One handler per rate (`0`: unlimited), made on first use, as one deployed worker each. */
const workers = new Map<number, ReturnType<typeof fanOutWorker>>();
function workerFor(rate: number) {
  let worker = workers.get(rate);
  if (worker === undefined) {
    worker = fanOutWorker({
      messenger: messenger as Messenger,
      logger: { ...silent, info: (_m: string, r: (typeof reports)[number]) => void reports.push(r) },
      queueUrl: 'http://127.0.0.1:9/unused',
      ...(rate > 0 ? { ratePerSecond: rate } : {}),
    });
    workers.set(rate, worker);
  }
  return worker;
}

async function run(m: RunMessage) {
  if (messenger === undefined) throw new Error('run before members');
  reports.length = 0;
  const startCpu = process.cpuUsage();
  const t = performance.now();
  let delivered = 0;
  let gone = 0;
  let failed = 0;
  if (m.mode === 'broadcast') {
    const report = await messenger.broadcast({ channels: ['room'] }, payload);
    delivered = report.delivered;
    gone = report.gone;
    failed = report.failed.length;
  } else {
    // The planner's work for this slice, then the record `fanOut` would have enqueued for it.
    const cursor = (await store.memberSlices('room', m.slices))[m.index];
    const p = Buffer.from(JSON.stringify(payload)).toString('base64');
    const body = encodeFanOutTask({
      v: 1,
      b: m.broadcastId,
      k: `0.${m.index}`,
      ch: 'room',
      ...(cursor === undefined ? {} : { c: cursor }),
      p,
    });
    const result = await workerFor(m.rate ?? 0)({ Records: [{ messageId: `m${m.index}`, body }] });
    if (result.batchItemFailures.length > 0) failed = 1;
    for (const r of reports) {
      delivered += r.delivered;
      gone += r.gone;
      failed += r.failed;
    }
  }
  const ms = performance.now() - t;
  const cpu = process.cpuUsage(startCpu);
  process.send?.({ type: 'done', ms, delivered, gone, failed, cpuUs: cpu.user + cpu.system });
}

process.on('message', (m: Message) => {
  if (m.type === 'members') {
    messenger = new Messenger({ store, concurrency: m.concurrency, logger: silent });
    void (async () => {
      for (const [id, endpoint] of m.members) await store.register(id, { channels: ['room'], endpoint });
      process.send?.({ type: 'ready' });
    })();
  } else if (m.type === 'run') {
    run(m).catch((error: unknown) => process.send?.({ type: 'error', message: String(error) }));
  } else if (m.type === 'exit') process.exit(0);
});
process.on('disconnect', () => process.exit(0));
