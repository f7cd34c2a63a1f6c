import type { WebSocketEvent, WebSocketResponse } from '@wsapp/core';
import { recordTiming, subscribeSchema, UNKNOWN_ACTION } from './shared.js';

/**
 * Baseline (a): what teams write by hand today — a `switch` on the route key, `JSON.parse` and
 * `schema.safeParse` inline, the timing "middleware" inlined, a try/catch answering 500.
 */
export function createSwitchHandler() {
  const badRequest = (message: string, extra: Record<string, unknown> = {}): WebSocketResponse => ({
    statusCode: 400,
    body: JSON.stringify({ ...extra, message }),
  });
  const parse = (body: string | null | undefined): unknown => {
    if (body === undefined || body === null || body.length === 0) return undefined;
    try {
      return JSON.parse(body);
    } catch {
      return undefined;
    }
  };

  return async (event: WebSocketEvent): Promise<WebSocketResponse> => {
    const started = performance.now();
    try {
      const rc = event.requestContext;
      let response: WebSocketResponse;
      switch (rc.routeKey) {
        case '$connect':
          if (!rc.authorizer?.principalId) {
            response = { statusCode: 401, body: JSON.stringify({ message: 'unauthorized' }) };
          } else response = { statusCode: 200 };
          break;
        case 'subscribe': {
          const body = parse(event.body);
          if (body === undefined) return badRequest('Message body must be JSON');
          const result = subscribeSchema.safeParse(body);
          if (!result.success) {
            return badRequest('Invalid message body', {
              issues: result.error.issues.map((i) => ({ message: i.message, path: i.path })),
            });
          }
          response = { statusCode: 200, body: JSON.stringify({ subscribed: result.data.ticker }) };
          break;
        }
        case 'ping': {
          const body = parse(event.body) as { seq?: number } | undefined;
          response = { statusCode: 200, body: JSON.stringify({ pong: body?.seq ?? null }) };
          break;
        }
        case '$disconnect':
          response = { statusCode: 200 };
          break;
        default:
          response = { statusCode: 200, body: JSON.stringify(UNKNOWN_ACTION) };
      }
      recordTiming(started);
      return response;
    } catch (error) {
      console.error('unhandled error', error);
      return { statusCode: 500, body: JSON.stringify({ message: 'Internal server error' }) };
    }
  };
}
