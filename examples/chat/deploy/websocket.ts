import { requiredEnv, secretReader, WSAPP_ENV } from '@wsapp/cdk/runtime';
import type { ConnectionStore, LambdaContext, WebSocketEvent, WebSocketResponse } from '@wsapp/core';
import { createChatApp } from '../src/app.js';
import { createStore } from '../src/store.js';

// Read at run time from Secrets Manager (only its ARN is in the environment), kept 5 minutes.
const sessionSecret = secretReader({ secretId: requiredEnv(WSAPP_ENV.sessionSecretArn) });
let store: Promise<ConnectionStore> | undefined;
let current: { secret: string; app: ReturnType<typeof createChatApp> } | undefined;

/**
 * Lambda entry point of the chat's WebSocket API. The store comes from the environment (`STORE`,
 * `TABLE_NAME` / `REDIS_URL`), the management endpoint from `WS_ENDPOINT`, the session key(s) from
 * the Secrets Manager secret `SESSION_SECRET_ARN` names (comma-separated, the first signs). When
 * the secret's value changes (a rotation), the next invocation after the cache expires builds the
 * app with the new keys; the store and its connections are kept.
 */
export async function handler(event: WebSocketEvent, context: LambdaContext): Promise<WebSocketResponse> {
  store ??= createStore();
  const secret = await sessionSecret();
  if (current?.secret !== secret) {
    const app = createChatApp({
      store: await store,
      sessions: { secret: secret.split(',') },
      endpoint: process.env[WSAPP_ENV.endpoint],
    });
    current = { secret, app };
  }
  return current.app.resolve(event, context);
}
