import { type ConnectionStore, WebSocketApp, WebSocketError } from '@wsapp/core';
import { type ForwardTarget, forward } from '@wsapp/forward';
import { z } from 'zod';

/** What a client sends to start a report: `{ "action": "submit", "report": "sales", "rows": 1000 }`. */
export const Submit = z.object({
  action: z.literal('submit'),
  report: z.string().min(1).max(64),
  rows: z.number().int().positive().max(1_000_000),
});

/** What the worker receives as the task's `data`. */
export interface ReportJob {
  report: string;
  rows: number;
}

/** Options of {@link createLongTaskApp}. */
export interface LongTaskAppOptions {
  /** Where submitted jobs go: an `SqsTarget` in Lambda, anything in tests. */
  target: ForwardTarget;
  store?: ConnectionStore;
  /** The management endpoint, when the API sits behind a custom domain. */
  endpoint?: string;
  /** The key the route signs each task's envelope with (≥ 32 bytes); the worker verifies with it. */
  secret: string | readonly string[];
}

/** The WebSocket side: accepts authorized clients and forwards `submit` messages to the queue. */
export function createLongTaskApp(options: LongTaskAppOptions): WebSocketApp {
  const app = new WebSocketApp({
    store: options.store,
    endpoint: options.endpoint,
  });
  app.onConnect((ctx) => {
    // The Lambda authorizer's principalId is the only identity trusted (never query or headers).
    if (typeof ctx.authorizer?.principalId !== 'string') throw new WebSocketError(401, 'unauthorized');
  });
  // Two-way: the client needs the answer's taskId to match the worker's replies.
  app.route(
    'submit',
    { twoWay: true },
    forward(options.target, {
      schema: Submit,
      transform: (body): ReportJob => ({ report: body.report, rows: body.rows }),
      secret: options.secret,
    }),
  );
  app.onDefault({ twoWay: true }, () => ({ error: 'unknown action', actions: ['submit'] }));
  return app;
}
