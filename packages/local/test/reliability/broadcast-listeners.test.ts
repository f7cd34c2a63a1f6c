/**
 * A broadcast with many calls in flight listens to its stop signal once per call: Node must not
 * warn about a listener leak (`MaxListenersExceededWarning`), which fan-out workers printed.
 */
import { Messenger, WebSocketApp } from '@wsapp/core';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { afterEach, expect, it } from 'vitest';
import { countFrames, openClients, silentLogger, start } from '../helpers.js';

const warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);
afterEach(() => {
  process.off('warning', onWarning);
});

it('a broadcast whose 50 throttled calls back off together raises no MaxListenersExceededWarning', async () => {
  const store = new MemoryConnectionStore();
  const app = new WebSocketApp({ store, logger: silentLogger() })
    .onConnect((ctx) => ctx.join('all'))
    .route('whoami', { twoWay: true }, (ctx) => ctx.connectionId);
  const server = await start(app);
  const clients = await openClients(server.url, 120);
  const counts = countFrames(clients);
  const messenger = new Messenger({
    store,
    endpoint: server.endpoint,
    concurrency: 50,
    logger: silentLogger(),
  });
  // The first 60 calls are throttled: up to 50 calls then wait out a backoff together, each
  // listening to the broadcast's stop signal.
  server.faults.inject({ status: 429, times: 60 });
  process.on('warning', onWarning);
  const report = await messenger.broadcast(
    { channels: ['all'] },
    { hello: 1 },
    { deadline: Date.now() + 20_000 },
  );
  // Warnings are emitted on the next tick.
  await new Promise((resolve) => setImmediate(resolve));
  expect(report.delivered).toBe(120);
  await expect.poll(() => [...counts.values()].every((n) => n === 1)).toBe(true);
  expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
});
