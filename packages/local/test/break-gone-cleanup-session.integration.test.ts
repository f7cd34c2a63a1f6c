/**
 * Attack: gone-cleanup (issue 26 item 6) racing a dropped connection's own `$disconnect` in a busy
 * room with sessions. Real sockets through the emulator, every store, no injected delay.
 *
 * Promises (core README):
 * - Sessions: "the channels come from the token's connection if it is still recorded
 *   (make-before-break, or a `$disconnect` still to come …), else from the snapshot its
 *   `$disconnect` wrote into the session — **before** removing its record, so a resume racing that
 *   `$disconnect` always finds one of the two"; README: "a reconnecting client loses nothing".
 * - Messenger: a 410 for a record at least `connectGraceMs` old removes it (gone-cleanup).
 *
 * A client that has been connected longer than the grace drops. API Gateway answers 410 for it at
 * once; its `$disconnect` comes a little later (on AWS a separate invocation, often a cold start;
 * here the app's `$disconnect` handler makes a 200 ms call, then announces the leave to the room as
 * the chat example does; without that call the race is still lost: 10/10 on memory, 2–4 of
 * 10–16 on Redis, 1–3 of 10–16 on the Cluster, 0–1 of 5–8 on DynamoDB Local). Meanwhile the room is busy: another
 * broadcast meets the 410 and gone-cleanup removes the record — before the `$disconnect` could
 * snapshot it into the session. Expected: the client reconnecting with its token is resumed with
 * its room (the record or the snapshot must survive). `connectGraceMs` is set to 1 s (the documented
 * option) so a connection "older than the grace" takes 1 s here instead of 35 s.
 */
import { WebSocketApp } from '@wsapp/core';
import { describe, expect, it } from 'vitest';
import { silentLogger, start } from './helpers.js';
import { sessionBackends } from './session-backends.js';
import { open, resume, SECRET, userAuthorizer } from './sessions-helpers.js';

const GRACE_MS = 1000;
const TRIALS: Record<string, number> = { memory: 6, Redis: 8, 'Redis Cluster': 8, 'DynamoDB Local': 6 };
const BYSTANDERS = 10;
const DISCONNECT_WORK_MS = 200;

describe.each(sessionBackends)('a dropped connection in a busy room resumes ($name)', (backend) => {
  it('its record or its snapshot survives gone-cleanup: the token resumes with its room', {
    timeout: 240_000,
  }, async () => {
    const { store } = await backend.make();
    const app = new WebSocketApp({
      store,
      logger: silentLogger(),
      history: { channels: ['room:*'] },
      sessions: { secret: SECRET },
      messaging: { connectGraceMs: GRACE_MS },
    })
      .onConnect(async (ctx) => {
        if (ctx.query.rooms) await ctx.join(ctx.query.rooms.split(','));
      })
      .onDisconnect(async (ctx) => {
        // The handler's own work before wsapp's snapshot: on AWS `$disconnect` is a separate,
        // later invocation (a cold start alone takes longer); here an external call of 200 ms.
        await new Promise((resolve) => setTimeout(resolve, DISCONNECT_WORK_MS));
        // As in the chat example: tell the room who left.
        await ctx.broadcast({ channels: ['room:a'], except: ctx.connectionId }, { left: ctx.connectionId });
      });
    const server = await start(app, { authorizer: userAuthorizer });
    // Others in the room (live members of every broadcast, and of the leave announcement).
    for (let i = 0; i < BYSTANDERS; i++)
      await resume(await open(server, { user: `bob${i}`, rooms: 'room:a' }));

    const trials = TRIALS[backend.name] ?? 5;
    const outcomes: string[] = [];
    for (let trial = 0; trial < trials; trial++) {
      const user = `alice${trial}`;
      const first = await open(server, { user, rooms: 'room:a' });
      const { reply } = await resume(first);
      await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 200)); // older than the grace
      // The room is busy while the client drops: others keep broadcasting.
      let busy = true;
      const chatter = (async () => {
        for (let n = 0; busy && n < 2000; n++) {
          await app.broadcast({ channels: ['room:a'] }, { chat: n }, { deadline: Date.now() + 5000 });
        }
      })();
      first.ws.terminate();
      await first.closed;
      await new Promise((resolve) => setTimeout(resolve, DISCONNECT_WORK_MS + 300)); // its $disconnect runs meanwhile
      busy = false;
      await chatter;
      const second = await open(server, { user, token: reply.token });
      const { reply: back } = await resume(second);
      outcomes.push(
        back.resumed && back.channels.join() === 'room:a' ? 'resumed' : `not resumed (${back.reason})`,
      );
      second.ws.close();
    }
    const failed = outcomes.filter((o) => o !== 'resumed');
    console.log(
      `${backend.name}: ${trials} drops in a busy room: ${failed.length} not resumed (${[...new Set(failed)].join(', ')})`,
    );
    expect(outcomes).toEqual(Array.from({ length: trials }, () => 'resumed'));
  });
});
