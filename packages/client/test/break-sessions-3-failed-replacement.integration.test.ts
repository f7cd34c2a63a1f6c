import { describe, expect, it, vi } from 'vitest';
import { sessionBackends } from '../../local/test/session-backends.js';
import { startIndexRelay } from './break-sessions-relay.js';
import { recordedClient, sleep, start, stop } from './helpers.js';
import { type Numbered, type sessionApi, sessionApp, userAuthorizer } from './session-fixture.js';

// The resume request (the claim) goes out before the `resume` hook and removes the old
// connection's record (core README, "Sessions", step 2). Client README, "Staying alive": after a
// claim the session lives on the new connection and the client never falls back to the old one —
// a hook that times out then is the app's problem (`error`, switched anyway), a replacement that
// dies is the loss of the current connection (reconnect with the new token). Either way the client
// ends on a connection that is recorded and receiving: a live message arrives, a join is answered OK.
// Deterministic: no random choice (the client's `random` is fixed so the next replacement is ~5 s
// away, long after the checks).

const RANDOM = 0.99;

for (const backend of sessionBackends) {
  describe(`break-sessions-3: a replacement that fails after its claim (${backend.name})`, {
    timeout: 30_000,
  }, () => {
    it('a hook that times out after the claim: switched to the new connection, which receives and answers a join', async () => {
      console.log(`break-sessions-3 hook-timeout: no seed (random fixed at ${RANDOM})`);
      const { app } = sessionApp({ store: (await backend.make()).store });
      // A route the hook asks for that answers later than the hook's timeout.
      app.use(async (ctx, next) => {
        if (ctx.routeKey === 'join' && (ctx.body as { room?: string } | undefined)?.room === 'slow')
          await sleep(1500);
        return next();
      });
      const server = await start(app, { authorizer: userAuthorizer });
      try {
        let hookRuns = 0;
        let hookFailed = false;
        const publisher = recordedClient<typeof sessionApi>(server.url, { query: { user: 'pub' } });
        const sub = recordedClient<typeof sessionApi>(server.url, {
          query: { user: 'ada' },
          session: true,
          rotateAfterMs: 800,
          backoff: { baseMs: 5000, maxMs: 5000 },
          random: () => RANDOM,
          resume: async (s) => {
            hookRuns++;
            if (hookRuns !== 2) return; // the first replacement only
            try {
              await s.request('join', { room: 'slow' }, { timeoutMs: 200 });
            } catch (error) {
              hookFailed = true;
              throw error; // a `Timeout`: the replacement fails
            }
          },
        });
        await sub.client.ready();
        await sub.client.request('join', { room: 'a' });
        await vi.waitFor(() => expect(hookFailed).toBe(true), { timeout: 10_000 });
        await sleep(300);
        // After its claim the replacement holds the session: switched to it, the timeout reported.
        expect(sub.of('open').filter((o) => o.rotated)).toHaveLength(1);
        expect(sub.of('error').map((e) => e.during)).toEqual(['resume-hook']);
        expect(sub.client.state).toBe('open');

        // "still recorded and receiving": a live message to its room arrives on the current connection.
        await publisher.client.request('publish', { room: 'a', n: 1 });
        await sleep(500);
        const live = sub.of('message').map((m) => (m as Numbered).n);
        // and a request on it is answered as on any recorded connection.
        const joined = await sub.client.request('join', { room: 'b' }).then(
          (reply) => reply,
          (error: unknown) => String(error),
        );
        console.log(
          `break-sessions-3 hook-timeout: live after the failed replacement ${JSON.stringify(live)}, join b → ${JSON.stringify(joined)}`,
        );
        expect({ live, joined }).toEqual({ live: [1], joined: { joined: 'b' } });
      } finally {
        await stop(server);
      }
    });
    it('a request the app makes during that replacement waits for a connection that is recorded: answered OK, its room receives', async () => {
      const { app } = sessionApp({ store: (await backend.make()).store });
      app.use(async (ctx, next) => {
        if (ctx.routeKey === 'join' && (ctx.body as { room?: string } | undefined)?.room === 'slow')
          await sleep(500); // past the hook's 200 ms, done before the next replacement (800 ms after the switch): the local gateway runs a connection's messages in order, and join b waits behind it
        return next();
      });
      const server = await start(app, { authorizer: userAuthorizer });
      try {
        let hookRuns = 0;
        let midSwitch: Promise<unknown> | undefined;
        const publisher = recordedClient<typeof sessionApi>(server.url, { query: { user: 'pub' } });
        const sub = recordedClient<typeof sessionApi>(server.url, {
          query: { user: 'ada' },
          session: true,
          rotateAfterMs: 800,
          backoff: { baseMs: 5000, maxMs: 5000 },
          random: () => RANDOM,
          resume: async (s) => {
            hookRuns++;
            if (hookRuns !== 2) return;
            // The claim has been made; the app asks for a room while the replacement is switching.
            midSwitch = sub.client.request('join', { room: 'b' }).then(
              (reply) => reply,
              (error: unknown) => String(error),
            );
            await s.request('join', { room: 'slow' }, { timeoutMs: 200 }); // times out: the replacement fails
          },
        });
        await sub.client.ready();
        await sub.client.request('join', { room: 'a' });
        await vi.waitFor(() => expect(midSwitch).toBeDefined(), { timeout: 10_000 });
        const joined = await midSwitch;
        await publisher.client.request('publish', { room: 'b', n: 1 });
        await sleep(500);
        const live = sub.of('message').map((m) => `${(m as Numbered).room}${(m as Numbered).n}`);
        console.log(
          `break-sessions-3 hook-timeout: request made mid-replacement → ${JSON.stringify(joined)}, live ${JSON.stringify(live)}`,
        );
        expect({ joined, live }).toEqual({ joined: { joined: 'b' }, live: ['b1'] });
      } finally {
        await stop(server);
      }
    });
    it('a replacement cut during its replay (after its claim): the client reconnects with the new token and receives', async () => {
      const { app } = sessionApp({ store: (await backend.make()).store });
      let holdPages = false;
      let pageHeld = false;
      app.use(async (ctx, next) => {
        const replay = (ctx.body as { replay?: unknown } | undefined)?.replay;
        if (ctx.routeKey === 'resume' && replay !== undefined && holdPages) {
          pageHeld = true;
          await sleep(3000); // the replacement is cut meanwhile
        }
        return next();
      });
      const server = await start(app, { authorizer: userAuthorizer });
      const relay = await startIndexRelay(server.port);
      try {
        const publisher = recordedClient<typeof sessionApi>(server.url, { query: { user: 'pub' } });
        const sub = recordedClient<typeof sessionApi>(relay.via(server.url), {
          query: { user: 'ada' },
          session: true,
          rotateAfterMs: 800,
          backoff: { baseMs: 5000, maxMs: 5000 },
          random: () => RANDOM,
        });
        await sub.client.ready();
        await sub.client.request('join', { room: 'a' });
        holdPages = true;
        await vi.waitFor(() => expect(pageHeld).toBe(true), { timeout: 10_000 });
        holdPages = false;
        relay.cut(1); // the replacement (second connection accepted), its claim made
        // The session is on the cut connection: the client reconnects (backoff ~5 s) with its token.
        await vi.waitFor(() => expect(sub.of('open').filter((o) => o.reconnected)).toHaveLength(1), {
          timeout: 10_000,
        });
        expect(sub.client.state).toBe('open');
        expect(sub.of('open').filter((o) => o.rotated)).toHaveLength(0);
        expect(sub.of('resumed').at(-1)?.resumed).toBe(true);
        await publisher.client.request('publish', { room: 'a', n: 1 });
        await sleep(500);
        const live = sub.of('message').map((m) => (m as Numbered).n);
        const joined = await sub.client.request('join', { room: 'b' }).then(
          (reply) => reply,
          (error: unknown) => String(error),
        );
        console.log(
          `break-sessions-3 cut-during-replay: live ${JSON.stringify(live)}, join b → ${JSON.stringify(joined)}`,
        );
        expect({ live, joined }).toEqual({ live: [1], joined: { joined: 'b' } });
      } finally {
        await relay.close();
        await stop(server);
      }
    });
  });
}
