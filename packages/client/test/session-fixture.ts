import { type ConnectionStore, defineApi, heartbeat, typed, WebSocketApp, WebSocketError } from '@wsapp/core';
import type { Authorizer } from '@wsapp/local';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { vi } from 'vitest';
import { z } from 'zod';

/** What the session tests' server pushes: a numbered message of a room. */
export interface Numbered {
  room: string;
  n: number;
  $mid?: string;
  $seq?: Record<string, number>;
  $replay?: true;
}

/** The contract of the session tests' server (the `resume` route is the app's own, automatic). */
export const sessionApi = defineApi({
  routes: {
    join: { body: z.object({ room: z.string() }), response: typed<{ joined: string }>(), twoWay: true },
    /** Joins and leaves whole channels (any names, not only rooms). */
    channels: {
      body: z.object({ join: z.array(z.string()).optional(), leave: z.array(z.string()).optional() }),
      response: typed<{ ok: true }>(),
      twoWay: true,
    },
    /** One broadcast to several channels. */
    publishAll: {
      body: z.object({ channels: z.array(z.string()), n: z.number() }),
      response: typed<{ delivered: number }>(),
      twoWay: true,
    },
    publish: {
      body: z.object({ room: z.string(), n: z.number() }),
      response: typed<{ delivered: number }>(),
      twoWay: true,
    },
  },
  push: typed<Numbered>(),
});

/** `?user=ada` is principal `ada`: sessions are bound to it. */
export const userAuthorizer: Authorizer = (request) => {
  const user = request.queryStringParameters?.user;
  return user ? { principalId: user } : undefined;
};

/** A test-only signing key (32 bytes). */
const SECRET = 'client-session-tests-secret-0123456789';

/**
 * A server with sessions and history on `room#*` (memory store, `maxLength` entries kept). The
 * resume route can be held (`holdResumes()`): the connection is registered and receives live
 * broadcasts, while its replay and reply wait until `releaseResumes()`. `failResumes(n)` answers
 * the next `n` resume requests with 503.
 */
export function sessionApp(
  options: { maxLength?: number; store?: ConnectionStore; deadlineMarginMs?: number } = {},
) {
  let gate: Promise<void> | undefined;
  let failing = 0;
  let refusing = false;
  let open: () => void = () => undefined;
  const resumesHeld = vi.fn();
  const app = new WebSocketApp({
    store: options.store ?? new MemoryConnectionStore(),
    logger: { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() },
    history: {
      channels: ['room#*', 'long#*'],
      ...(options.maxLength === undefined ? {} : { maxLength: options.maxLength }),
    },
    sessions: { secret: SECRET },
    ...(options.deadlineMarginMs === undefined
      ? {}
      : { messaging: { deadlineMarginMs: options.deadlineMarginMs } }),
  });
  app.use(async (ctx, next) => {
    if (ctx.routeKey === 'resume' && gate !== undefined) {
      resumesHeld();
      await gate;
    }
    if (ctx.routeKey === 'resume' && failing > 0) {
      failing--;
      throw new WebSocketError(503, 'resume: try again'); // a throttled or failing invocation
    }
    if (ctx.routeKey === 'resume' && refusing) throw new WebSocketError(400, 'resume: refused');
    return next();
  });
  app.route('channels', sessionApi.routes.channels, async (ctx) => {
    if (ctx.body.join) await ctx.join(ctx.body.join);
    if (ctx.body.leave) await ctx.leave(ctx.body.leave);
    return { ok: true as const };
  });
  app.route('publishAll', sessionApi.routes.publishAll, async (ctx) => {
    const report = await ctx.broadcast({ channels: ctx.body.channels }, { room: 'all', n: ctx.body.n });
    return { delivered: report.delivered };
  });
  heartbeat(app);
  app.route('join', sessionApi.routes.join, async (ctx) => {
    await ctx.join(`room#${ctx.body.room}`);
    return { joined: ctx.body.room };
  });
  app.route('publish', sessionApi.routes.publish, async (ctx) => {
    const { room, n } = ctx.body;
    const report = await ctx.broadcast({ channels: [`room#${room}`] }, { room, n });
    return { delivered: report.delivered };
  });
  return {
    app,
    resumesHeld,
    holdResumes: () => {
      gate = new Promise((resolve) => {
        open = resolve;
      });
    },
    failResumes: (n: number) => {
      failing = n;
    },
    /** Answers every resume request (and replay page) with 400 from now on. */
    refuseResumes: () => {
      refusing = true;
    },
    releaseResumes: () => {
      gate = undefined;
      open();
    },
  };
}
