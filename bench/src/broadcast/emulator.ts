/**
 * Child process: one `@wsapp/local` emulator (a shard). The integration accepts every connection;
 * membership is kept by the broadcasting process. IPC: sends `{ type: 'ready', url, endpoint }`;
 * answers `{ type: 'ids' }` with the open connection ids, `{ type: 'stats' }` with POST counts and
 * `{ type: 'cpu' }` with its CPU time so far (µs).
 */
import { loadLocal } from '../lib/workspace.js';

const local = await loadLocal();
if (local === undefined) {
  process.send?.({ type: 'error', message: '@wsapp/local is not built' });
  process.exit(1);
}
const server = await local.serve(async () => ({ statusCode: 200 }), {
  routes: ['$default'],
  idleTimeoutMs: 3_600_000,
  logger: { debug() {}, info() {}, warn() {}, error() {} },
});
process.on('message', (message: { type: string }) => {
  if (message.type === 'ids') process.send?.({ type: 'ids', ids: [...server.connections.ids()] });
  if (message.type === 'stats') process.send?.({ type: 'stats', posts: server.stats.total });
  if (message.type === 'cpu') {
    const cpu = process.cpuUsage();
    process.send?.({ type: 'cpu', us: cpu.user + cpu.system });
  }
  if (message.type === 'latency') {
    // Emulated network round trip of the management API (loopback has none).
    server.faults.clear();
    const ms = (message as { ms?: number }).ms ?? 0;
    if (ms > 0) server.faults.inject({ delayMs: ms });
    process.send?.({ type: 'latency' });
  }
  if (message.type === 'exit') process.exit(0);
});
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'ready', url: server.url, endpoint: server.endpoint });
