import { defineApi, heartbeat, reply, typed, WebSocketApp, WebSocketError } from '@wsapp/core';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { vi } from 'vitest';
import { z } from 'zod';

/**
 * The contract shared by the test server and the clients under test. `twoWay` marks the routes
 * whose return value is the reply (API Gateway drops the others'); `later` answers with `reply()`.
 */
export const api = defineApi({
  routes: {
    echo: { body: z.object({ text: z.string() }), response: typed<{ text: string }>(), twoWay: true },
    /** Answers through ctx.send after `ms`, while the invocation returns at once: replies out of order. */
    later: { body: z.object({ n: z.number(), ms: z.number() }), response: typed<{ n: number }>() },
    forbidden: { body: z.object({}), twoWay: true },
    join: { body: z.object({ room: z.string() }), response: typed<{ joined: string }>(), twoWay: true },
    publish: {
      body: z.object({ room: z.string(), seq: z.number() }),
      response: typed<{ delivered: number }>(),
      twoWay: true,
    },
    record: { body: z.object({ n: z.number() }) },
  },
  push: typed<{ type: 'seq'; seq: number }>(),
});

/** A test app implementing {@link api}; `recorded` collects the `record` messages in arrival order. */
export function fixtureApp() {
  const recorded: number[] = [];
  const connects = vi.fn();
  const app = new WebSocketApp({
    store: new MemoryConnectionStore(),
    logger: { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() },
  });
  app.onConnect((ctx) => {
    connects();
    if (ctx.query.deny === '401') throw new WebSocketError(401, 'unauthorized');
    if (ctx.query.deny === '403') throw new WebSocketError(403, 'forbidden');
  });
  heartbeat(app);
  app.route('echo', api.routes.echo, (ctx) => ({ text: ctx.body.text }));
  app.route('later', api.routes.later, (ctx) => {
    // Stands in for an asynchronous worker answering later; the invocation itself answers nothing.
    // A reply that can no longer be delivered (the emulator restarted, the client left) is the
    // client's timeout to observe, not an unhandled rejection of this timer.
    setTimeout(() => reply(ctx, { n: ctx.body.n }).catch(() => undefined), ctx.body.ms);
  });
  app.route('forbidden', api.routes.forbidden, () => {
    throw new WebSocketError(403, 'not for you');
  });
  app.route('join', api.routes.join, async (ctx) => {
    await ctx.join(`room#${ctx.body.room}`);
    return { joined: ctx.body.room };
  });
  app.route('publish', api.routes.publish, async (ctx) => {
    const report = await ctx.broadcast(
      { channels: [`room#${ctx.body.room}`] },
      { type: 'seq', seq: ctx.body.seq },
    );
    return { delivered: report.delivered };
  });
  app.route('record', api.routes.record, (ctx) => {
    recorded.push(ctx.body.n);
  });
  return { app, recorded, connects };
}
