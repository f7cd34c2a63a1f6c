import type { WebSocketEvent, WebSocketResponse } from '@wsapp/core';
import { WebSocketApp } from '@wsapp/core';
import { connectEvent, disconnectEvent, messageEvent } from '@wsapp/testing';

/*
 * The bare workload: routing alone, no middleware, no schema. One connection's life is
 * `$connect`, 6 × a JSON route (`ping`, reads a body field), 1 unknown action (`$default`),
 * `$disconnect`: 9 events. Every contender gives the same answers (checked by run.ts).
 */

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const UNKNOWN = { error: 'unknown action' } as const;

/** One connection's bare session. */
export function bareSession(n: number): WebSocketEvent[] {
  const base = { connectionId: `b${n.toString(36).padStart(14, '0')}=` };
  const events: WebSocketEvent[] = [connectEvent(base)];
  for (let i = 0; i < 6; i++) events.push(messageEvent({ action: 'ping', seq: i }, base));
  events.push(messageEvent({ action: 'order', qty: 1 }, { ...base, routeKey: '$default' }));
  events.push(disconnectEvent(base));
  return events;
}

/** `sessions` bare sessions, one after the other. */
export function bareWorkload(sessions: number): WebSocketEvent[] {
  const events: WebSocketEvent[] = [];
  for (let n = 0; n < sessions; n++) events.push(...bareSession(n));
  return events;
}

/** wsapp with nothing but its routes. */
export function createBareWsappHandler() {
  const app = new WebSocketApp({ logger: silent });
  app.onConnect(() => undefined);
  app.route('ping', (ctx) => ({ pong: (ctx.body as { seq?: number } | undefined)?.seq ?? null }));
  app.onDefault(() => UNKNOWN);
  app.onDisconnect(() => undefined);
  return app.handler();
}

/** The hand-written `switch` doing the same, with the same try/catch and JSON parse. */
export function createBareSwitchHandler() {
  const parse = (body: string | null | undefined): unknown => {
    if (body === undefined || body === null || body.length === 0) return undefined;
    try {
      return JSON.parse(body);
    } catch {
      return undefined;
    }
  };
  return async (event: WebSocketEvent): Promise<WebSocketResponse> => {
    try {
      switch (event.requestContext.routeKey) {
        case '$connect':
        case '$disconnect':
          return { statusCode: 200 };
        case 'ping': {
          const body = parse(event.body) as { seq?: number } | undefined;
          return { statusCode: 200, body: JSON.stringify({ pong: body?.seq ?? null }) };
        }
        default:
          return { statusCode: 200, body: JSON.stringify(UNKNOWN) };
      }
    } catch (error) {
      console.error('unhandled error', error);
      return { statusCode: 500, body: JSON.stringify({ message: 'Internal server error' }) };
    }
  };
}
