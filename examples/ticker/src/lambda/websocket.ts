import type { LambdaContext, WebSocketEvent, WebSocketResponse } from '@wsapp/core';
import { tickerApp } from './ticker.js';

/** Lambda entry point of the WebSocket API: `$connect`, `$disconnect`, `$default`, `subscribe`, `unsubscribe`. */
export async function handler(event: WebSocketEvent, context: LambdaContext): Promise<WebSocketResponse> {
  return (await tickerApp()).resolve(event, context);
}
