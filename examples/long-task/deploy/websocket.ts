import type { ConnectionStore, LambdaContext, WebSocketEvent, WebSocketResponse } from '@wsapp/core';
import { secretReader } from '@wsapp/core/secrets';
import { SqsTarget } from '@wsapp/forward';
import { createLongTaskApp } from '../src/app.js';
import { createStore } from '../src/store.js';
import { requireEnv } from './env.js';

// Read at run time from Secrets Manager (only its ARN is in the environment), kept 5 minutes.
const forwardSecret = secretReader({ secretId: requireEnv('FORWARD_SECRET_ARN') });
let store: Promise<ConnectionStore> | undefined;
let current: { secret: string; app: ReturnType<typeof createLongTaskApp> } | undefined;

/**
 * Lambda entry point of the WebSocket API: `$connect`, `$disconnect`, `$default`, `submit`. The
 * store comes from the environment (`STORE`, `TABLE_NAME` / `REDIS_URL_SECRET_ARN`), the queue from
 * `QUEUE_URL`, the management endpoint (carried in each task's envelope) from `WS_ENDPOINT`, the
 * key envelopes are signed with from the Secrets Manager secret `FORWARD_SECRET_ARN` names. When
 * the key changes, the app is rebuilt with it once the cached value expires; the store is kept.
 */
export async function handler(event: WebSocketEvent, context: LambdaContext): Promise<WebSocketResponse> {
  store ??= createStore();
  const secret = await forwardSecret();
  if (current?.secret !== secret) {
    const app = createLongTaskApp({
      store: await store,
      target: new SqsTarget({ queueUrl: process.env.QUEUE_URL ?? '' }),
      endpoint: process.env.WS_ENDPOINT,
      secret,
    });
    current = { secret, app };
  }
  return current.app.resolve(event, context);
}
