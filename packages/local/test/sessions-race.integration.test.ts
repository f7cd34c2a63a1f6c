/**
 * A used session token resumes at most once, also when the old connection's `$disconnect` races
 * the new connection's `$connect` (two Lambda invocations at once, no injected delay), and a
 * token that is legitimately resumable is never refused because of that race. Through
 * `app.resolve` (the Lambda entry) on every store; issue 26, item 4: on the old code this failed
 * 30/30 on Redis and 29/30 on DynamoDB.
 */
import { WebSocketApp } from '@wsapp/core';
import { connectEvent, disconnectEvent, messageEvent, silentLogger } from '@wsapp/testing';
import { describe, expect, it } from 'vitest';
import { sessionBackends } from './session-backends.js';
import { SECRET } from './sessions-helpers.js';

const TRIALS = 30;
const authorizer = { principalId: 'alice' };

describe.each(sessionBackends)(
  'a token resumes at most once when the old connection disconnects during the resume ($name)',
  {
    timeout: 120_000,
  },
  (backend) => {
    it(`${TRIALS} trials: the racing resume succeeds, a later use of the token is refused`, async () => {
      const { store } = await backend.make();
      const app = new WebSocketApp({
        store,
        logger: silentLogger(),
        history: { channels: ['room:*'] },
        sessions: { secret: SECRET },
      }).onConnect(async (ctx) => {
        if (ctx.query.rooms) await ctx.join(ctx.query.rooms.split(','));
      });
      const connect = (connectionId: string, query: Record<string, string>) =>
        app.resolve(connectEvent({ connectionId, query, authorizer }));
      const resume = async (connectionId: string) => {
        const response = await app.resolve(
          messageEvent({ action: 'resume', $rid: 'r' }, { connectionId, authorizer }),
        );
        return (
          JSON.parse(response.body ?? '{}') as {
            data: { token: string; resumed: boolean; channels: string[] };
          }
        ).data;
      };
      const failures: string[] = [];
      for (let trial = 0; trial < TRIALS; trial++) {
        const [c1, c2, c3] = ['a', 'b', 'c'].map(
          (x) => `T${trial}${x}${Math.random().toString(36).slice(2, 8)}=`,
        );
        expect((await connect(c1 as string, { rooms: 'room:a' })).statusCode).toBe(200);
        const { token } = await resume(c1 as string);
        // The old connection drops while the client reconnects with its token: both at once.
        const [gone, back] = await Promise.all([
          app.resolve(disconnectEvent({ connectionId: c1, authorizer })),
          connect(c2 as string, { wsapp_session: token }),
        ]);
        expect(gone.statusCode).toBe(200);
        expect(back.statusCode).toBe(200);
        const second = await resume(c2 as string);
        if (!second.resumed || second.channels.join() !== 'room:a') {
          failures.push(`trial ${trial}: a resumable token was refused (${JSON.stringify(second)})`);
        }
        // The same token once more: it was used, it must not resume again.
        expect((await connect(c3 as string, { wsapp_session: token })).statusCode).toBe(200);
        const third = await resume(c3 as string);
        if (third.resumed) failures.push(`trial ${trial}: a used token resumed a second time`);
        await Promise.all(
          [c2, c3].map((id) => app.resolve(disconnectEvent({ connectionId: id, authorizer }))),
        );
      }
      expect(failures, failures.join('\n')).toEqual([]);
    });
  },
);
