import { describe, expect, it } from 'vitest';
import { createClient } from '../src/index.js';
import { sleep, start, stop } from './helpers.js';
import { sessionApp, userAuthorizer } from './session-fixture.js';

// Client README: `close()` "closes for good". A close() that comes while the client is still making
// its socket (here: the session storage answers late) must end quietly: with `ws`, closing a socket
// that is still CONNECTING emits an error event, which was uncaught and crashed the test process.
describe('close() while the socket is being made', () => {
  it('ends quietly: no uncaught error, no connection left open', async () => {
    const { app } = sessionApp();
    const server = await start(app, { authorizer: userAuthorizer });
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', record);
    try {
      let release: (token: string | undefined) => void = () => undefined;
      const client = createClient(server.url, {
        query: { user: 'ada' },
        session: {
          storage: {
            get: () => new Promise<string | undefined>((resolve) => (release = resolve)),
            set: () => undefined,
          },
        },
      });
      await sleep(50);
      client.close();
      release(undefined);
      await sleep(300);
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', record);
      await stop(server);
    }
  });
});
