import middy, { type MiddlewareObj } from '@middy/core';
import { type LambdaContext, WebSocketApp, type WebSocketEvent, type WebSocketResponse } from '@wsapp/core';
import { messageEvent } from '@wsapp/testing';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { silentLogger } from './helpers.js';

const lambdaContext = {
  functionName: 'ws',
  awsRequestId: 'lambda-req',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context & LambdaContext;

describe('Middy around app.handler()', () => {
  it('runs Middy before/after around the whole invocation and wsapp middleware per route', async () => {
    const order: string[] = [];
    const app = new WebSocketApp({ logger: silentLogger() });
    app.use(async (_ctx, next) => {
      order.push('wsapp:before');
      const result = await next();
      order.push('wsapp:after');
      return result;
    });
    app.route('ping', (ctx) => {
      order.push('handler');
      return { pong: true, tenant: (ctx.event as WebSocketEvent & { tenant?: string }).tenant };
    });
    const timing: MiddlewareObj<WebSocketEvent & { tenant?: string }, WebSocketResponse> = {
      before: (request) => {
        order.push('middy:before');
        request.event.tenant = 'acme';
      },
      after: (request) => {
        order.push('middy:after');
        request.response = {
          ...(request.response as WebSocketResponse),
          headers: { 'x-served-by': 'middy' },
        };
      },
    };
    const handler = middy(app.handler()).use(timing);
    const response = await handler(messageEvent({ action: 'ping' }), lambdaContext);
    expect(order).toEqual(['middy:before', 'wsapp:before', 'handler', 'wsapp:after', 'middy:after']);
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body ?? '')).toEqual({ pong: true, tenant: 'acme' });
    expect(response.headers).toEqual({ 'x-served-by': 'middy' });
  });

  it("Middy's onError sees errors from Middy middleware; wsapp answers handler errors itself", async () => {
    const seen: unknown[] = [];
    const app = new WebSocketApp({ logger: silentLogger() });
    app.route('ping', () => 'pong');
    app.route('boom', () => {
      throw new Error('handler failure');
    });
    const guard: MiddlewareObj<WebSocketEvent, WebSocketResponse> = {
      before: (request) => {
        if (request.event.requestContext.connectionId === 'blocked') throw new Error('blocked by Middy');
      },
      onError: (request) => {
        seen.push((request.error as Error).message);
        request.response = { statusCode: 403, body: JSON.stringify({ message: 'Forbidden' }) };
      },
    };
    const handler = middy(app.handler()).use(guard);

    const blocked = await handler(
      messageEvent({ action: 'ping' }, { connectionId: 'blocked' }),
      lambdaContext,
    );
    expect(blocked).toEqual({ statusCode: 403, body: JSON.stringify({ message: 'Forbidden' }) });

    // wsapp's handler never rejects: a handler error is already a 500 answer when Middy sees it.
    const failed = await handler(messageEvent({ action: 'boom' }), lambdaContext);
    expect(failed.statusCode).toBe(500);
    expect(seen).toEqual(['blocked by Middy']);

    expect((await handler(messageEvent({ action: 'ping' }), lambdaContext)).body).toBe('pong');
  });
});
