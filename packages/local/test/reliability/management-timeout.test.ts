/**
 * The management client's request timeout (10 s) must end a call that never answers: before the
 * fix the SDK's HTTP handler only logged a warning at 10 s and kept waiting, so without a deadline
 * a hung `@connections` call held `send`/`broadcast` for as long as the endpoint did.
 */
import { Messenger, SendFailedError, WebSocketApp } from '@wsapp/core';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { describe, expect, it } from 'vitest';
import { connect, silentLogger, start } from '../helpers.js';
import { transports } from '../transports.js';

describe.each(transports)('management request timeout ($name transport)', ({ options }) => {
  it('a call that never answers fails at the 10 s request timeout instead of waiting for the answer', async () => {
    const store = new MemoryConnectionStore();
    const app = new WebSocketApp({ store, logger: silentLogger() })
      .onConnect(() => undefined)
      .route('whoami', { twoWay: true }, (ctx) => ctx.connectionId);
    const server = await start(app);
    const client = await connect(server.url);
    client.send({ action: 'whoami' });
    const id = await client.text();
    // The endpoint answers this one call only after 14 s; no Lambda deadline is given.
    server.faults.inject({ delayMs: 14_000, times: 1 });
    const messenger = new Messenger({
      ...options,
      store,
      endpoint: server.endpoint,
      retry: { maxAttempts: 1 },
    });
    const started = Date.now();
    const outcome = await messenger.send(id, 'hello').then(
      (result) => result,
      (error: unknown) => error,
    );
    const elapsed = Date.now() - started;
    expect(outcome).toBeInstanceOf(SendFailedError);
    expect(elapsed).toBeGreaterThanOrEqual(9_500);
    expect(elapsed).toBeLessThan(13_000);
  }, 30_000);
});
