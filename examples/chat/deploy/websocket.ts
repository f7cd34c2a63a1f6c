import type { LambdaContext, WebSocketEvent, WebSocketResponse } from '@wsapp/core';
import { createChatApp } from '../src/app.js';
import { chatSessions } from '../src/sessions.js';
import { createStore } from '../src/store.js';

let chat: Promise<ReturnType<typeof createChatApp>> | undefined;

/**
 * Lambda entry point of the chat's WebSocket API. The app is created on the first invocation of
 * the container: the store from the environment (`STORE`, `TABLE_NAME` / `REDIS_URL`), the
 * management endpoint from `WS_ENDPOINT`, the session key(s) from `SESSION_SECRET` (required).
 */
export async function handler(event: WebSocketEvent, context: LambdaContext): Promise<WebSocketResponse> {
  chat ??= createStore().then((store) =>
    createChatApp({
      store,
      sessions: chatSessions(),
      endpoint: process.env.WS_ENDPOINT,
    }),
  );
  return (await chat).resolve(event, context);
}
