import type { LambdaContext, WebSocketEvent, WebSocketResponse } from '@wsapp/core';
import { SqsTarget } from '@wsapp/forward';
import { createLongTaskApp } from '../src/app.js';
import { createStore } from '../src/store.js';

let app: Promise<ReturnType<typeof createLongTaskApp>> | undefined;

/**
 * Lambda entry point of the WebSocket API: `$connect`, `$disconnect`, `$default`, `submit`. The app
 * is created on the container's first invocation: the store from the environment (`STORE`,
 * `TABLE_NAME` / `REDIS_URL`), the queue from `QUEUE_URL`, the management endpoint (carried in each
 * task's envelope) from `WS_ENDPOINT`, the key envelopes are signed with from `FORWARD_SECRET`.
 */
export async function handler(event: WebSocketEvent, context: LambdaContext): Promise<WebSocketResponse> {
  app ??= createStore().then((store) =>
    createLongTaskApp({
      store,
      target: new SqsTarget({ queueUrl: process.env.QUEUE_URL ?? '' }),
      endpoint: process.env.WS_ENDPOINT,
      secret: process.env.FORWARD_SECRET ?? '',
    }),
  );
  return (await app).resolve(event, context);
}
