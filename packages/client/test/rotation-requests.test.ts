import { describe, expect, it, vi } from 'vitest';
import { recordedClient, sleep, start, stop } from './helpers.js';
import { type Numbered, type sessionApi, sessionApp, userAuthorizer } from './session-fixture.js';

// Client README, "Staying alive" and "Sessions": a replacement's resume request claims the session
// for the new connection (the successor takes over the old connection's channels), then the
// `resume` hook runs, then the client switches. A request made by the app in that window must not go
// out on the old connection, whose record the claim has taken over: it would be refused (its join
// lost) instead of being answered OK and joining the session's channel.

describe('requests made while a session replacement is switching', { timeout: 30_000 }, () => {
  it('wait for the switch and go out on the new connection: answered OK, and the joined room receives', async () => {
    const { app } = sessionApp();
    const joinedOn: string[] = [];
    app.use(async (ctx, next) => {
      if (ctx.routeKey === 'join') joinedOn.push(ctx.connectionId);
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
        rotateAfterMs: 500,
        resume: async () => {
          hookRuns++;
          if (hookRuns !== 2) return; // the first replacement only
          // The claim has been made: the app asks for a room while the client has not switched yet.
          midSwitch = sub.client.request('join', { room: 'b' }).then(
            (reply) => reply,
            (error: unknown) => error,
          );
          await sleep(300);
        },
      });
      await sub.client.ready();
      await sub.client.request('join', { room: 'a' });
      await vi.waitFor(() => expect(sub.of('open').filter((o) => o.rotated).length).toBeGreaterThan(0), {
        timeout: 10_000,
      });
      expect(midSwitch).toBeDefined();
      expect(await midSwitch).toEqual({ joined: 'b' });
      await publisher.client.request('publish', { room: 'b', n: 1 });
      await vi.waitFor(() => expect(sub.of('message').map((m) => (m as Numbered).room)).toContain('b'));
      // Both joins were made by connections of this session; the second by the replacement.
      expect(joinedOn).toHaveLength(2);
      expect(joinedOn[1]).not.toBe(joinedOn[0]);
      publisher.client.close();
      sub.client.close();
    } finally {
      await stop(server);
    }
  });
});
