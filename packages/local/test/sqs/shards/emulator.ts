/**
 * Child process of {@link startShards}: one `@wsapp/local` emulator (from source, run by tsx)
 * holding one shard's connections, so no process holds more sockets than its open-files limit
 * allows. Its integration accepts every connection; membership is kept by the test's store.
 * IPC: sends `{ type: 'ready', url, endpoint }`; answers `{ type: 'ids' }` with the open
 * connection ids and `{ type: 'stats' }` with the management calls it answered, by status.
 */
import { serve } from '../../../src/index.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const server = await serve(async () => ({ statusCode: 200 }), {
  routes: ['$default'],
  idleTimeoutMs: 600_000,
  logger: silent,
});
process.on('message', (message: { type: string }) => {
  if (message.type === 'ids') process.send?.({ type: 'ids', ids: [...server.connections.ids()] });
  if (message.type === 'stats') {
    process.send?.({
      type: 'stats',
      posted: server.stats.count({ method: 'POST', status: 200 }),
      gone: server.stats.count({ method: 'POST', status: 410 }),
      total: server.stats.count(),
    });
  }
});
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'ready', url: server.url, endpoint: server.endpoint });
