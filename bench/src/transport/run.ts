/**
 * Management transport cost: CPU µs per delivered message of the sending process, and messages/s
 * at one core (1 s of CPU ÷ that cost), for wsapp's signed transport (the default), the AWS SDK
 * transport (today's), and an unsigned `http.request` floor — (1) against one minimal HTTP server in
 * another process, (2) through `@wsapp/local` to `count` real WebSocket connections, on bare
 * loopback and with 20 ms per management call. Interleaved rounds, order rotated; medians.
 *
 *   node --expose-gc dist/transport/run.js [messages] [rounds] [sockets] [socketRounds] [latencyMs]
 */
import { execFileSync, fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { startShards } from '../broadcast/harness.js';
import { benchFile, emitResult } from '../lib/child.js';
import { median, rotate, spreadPercent } from '../lib/stats.js';
import { loadLocal } from '../lib/workspace.js';
import { floor, lean, measure, type Send, sdk } from './contenders.js';

const messages = Number(process.argv[2] ?? 4000);
const rounds = Number(process.argv[3] ?? 5);
const sockets = Number(process.argv[4] ?? 10_000);
const socketRounds = Number(process.argv[5] ?? 2);
const latencyMs = Number(process.argv[6] ?? 20);

type Name = 'lean' | 'sdk' | 'floor';
const names: Name[] = ['lean', 'sdk', 'floor'];
const data = new TextEncoder().encode(JSON.stringify({ ticker: 'AMZN', price: 187.3 }));
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const startedAt = new Date().toISOString();
const loadAtStart = loadavg()
  .map((l) => l.toFixed(1))
  .join(' ');
let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
} catch {
  // not a git checkout
}

interface Row {
  name: Name;
  cpuUsPerMessage: number;
  cpuSpreadPercent: number;
  perSecondAtOneCore: number;
  wallMs: number;
  wallPerSecond: number;
  delivered: number;
  expected: number;
}

async function compare(
  contenders: Record<Name, Send>,
  ids: readonly string[],
  n: number,
  check?: (delivered: number) => Promise<number>,
): Promise<{ rows: Row[]; missing: number }> {
  const samples: Record<Name, { cpu: number[]; wall: number[]; delivered: number[] }> = {
    lean: { cpu: [], wall: [], delivered: [] },
    sdk: { cpu: [], wall: [], delivered: [] },
    floor: { cpu: [], wall: [], delivered: [] },
  };
  let missing = 0;
  // Warm-up: modules loaded, sockets pooled, JIT warm.
  for (const name of names) {
    const delivered = await contenders[name](ids.slice(0, Math.min(500, ids.length)), data);
    if (check) missing += await check(delivered);
  }
  for (let round = 0; round < n; round++) {
    for (const name of rotate(names, round)) {
      gc();
      const m = await measure(contenders[name], ids, data);
      samples[name].cpu.push(m.cpuUs / Math.max(1, m.delivered));
      samples[name].wall.push(m.wallMs);
      samples[name].delivered.push(m.delivered);
      if (check) missing += await check(m.delivered);
    }
  }
  const rows = names.map((name) => {
    const s = samples[name];
    const cpu = median(s.cpu);
    const wall = median(s.wall);
    return {
      name,
      cpuUsPerMessage: cpu,
      cpuSpreadPercent: spreadPercent(s.cpu),
      perSecondAtOneCore: 1e6 / cpu,
      wallMs: wall,
      wallPerSecond: (ids.length / wall) * 1000,
      delivered: Math.min(...s.delivered),
      expected: ids.length,
    };
  });
  return { rows, missing };
}

// (1) One minimal HTTP server in another process.
const server = fork(benchFile('transport/server.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const port = await new Promise<number>((resolve) =>
  server.once('message', (m: { type: string; port: number }) => resolve(m.port)),
);
const minimalEndpoint = `http://127.0.0.1:${port}/prod`;
const minimalIds = Array.from({ length: messages }, (_, i) => `L0SM9cOF${String(i).padStart(7, '0')}=`);
const minimal = await compare(
  { lean: lean(minimalEndpoint), sdk: sdk(minimalEndpoint), floor: floor(minimalEndpoint) },
  minimalIds,
  rounds,
);
server.kill();

// (2) Through the emulator to real WebSocket connections.
const scenarios: Array<{ latencyMs: number; rows: Row[] }> = [];
let clientsMissing = 0;
let skipped: string | undefined;
if ((await loadLocal()) === undefined) skipped = '@wsapp/local is not available';
else if (sockets > 0) {
  const shards = await startShards(sockets, 15_000);
  try {
    const shard = shards.shards[0];
    if (shard === undefined || shards.shards.length !== 1) throw new Error('expected one shard');
    const contenders = { lean: lean(shard.endpoint), sdk: sdk(shard.endpoint), floor: floor(shard.endpoint) };
    let expected = await shards.received();
    const check = async (delivered: number) => {
      expected += delivered;
      const got = await shards.waitReceived(expected);
      const lost = expected - got;
      expected = got;
      return lost;
    };
    for (const latency of latencyMs > 0 ? [0, latencyMs] : [0]) {
      await shards.setLatency(latency);
      const result = await compare(contenders, shard.ids, socketRounds, check);
      clientsMissing += result.missing;
      scenarios.push({ latencyMs: latency, rows: result.rows });
    }
  } finally {
    shards.close();
  }
}

emitResult({
  startedAt,
  loadAtStart,
  commit,
  messages,
  rounds,
  sockets,
  socketRounds,
  payloadBytes: data.byteLength,
  minimal: minimal.rows,
  scenarios,
  clientsMissing,
  ...(skipped === undefined ? {} : { skipped }),
});
process.exit(0);
