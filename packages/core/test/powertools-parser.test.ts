import { JSONStringified } from '@aws-lambda-powertools/parser/helpers';
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas';
import { WebSocketApp } from '@wsapp/core';
import { messageEvent } from '@wsapp/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { silentLogger } from './helpers.js';

// Powertools Parser schemas are zod schemas, and zod implements Standard Schema: they work as
// `body` schemas unchanged, extended the way the Parser docs show.
const OrderEvent = EventBridgeSchema.extend({ detail: z.object({ orderId: z.string(), qty: z.number() }) });

const eventBridgeEvent = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'OrderPlaced',
  source: 'shop.orders',
  account: '123456789012',
  time: '2026-12-01T09:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: { orderId: 'o-1', qty: 2 },
};

describe('Powertools Parser schemas as body schemas', () => {
  const app = new WebSocketApp({ logger: silentLogger() })
    .route('order', { body: OrderEvent }, (ctx) => ({ id: ctx.body.detail.orderId, at: ctx.body.time }))
    .route(
      'wrapped',
      { body: z.object({ payload: JSONStringified(z.object({ n: z.number() })) }) },
      (ctx) => ({
        n: ctx.body.payload.n,
      }),
    );

  it('validates and types the body with an extended EventBridgeSchema', async () => {
    const res = await app.resolve(messageEvent(eventBridgeEvent, { routeKey: 'order' }));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body ?? '')).toEqual({ id: 'o-1', at: '2026-12-01T09:00:00Z' });
  });

  it('answers 400 with the schema’s issues when the body does not match', async () => {
    const res = await app.resolve(
      messageEvent({ ...eventBridgeEvent, detail: { orderId: 1 } }, { routeKey: 'order' }),
    );
    expect(res.statusCode).toBe(400);
    const issues = JSON.parse(res.body ?? '').issues as Array<{ path?: unknown[] }>;
    expect(issues.map((i) => i.path)).toEqual(
      expect.arrayContaining([
        ['detail', 'orderId'],
        ['detail', 'qty'],
      ]),
    );
  });

  it('runs Parser helpers such as JSONStringified', async () => {
    const res = await app.resolve(messageEvent({ payload: '{"n":3}' }, { routeKey: 'wrapped' }));
    expect(JSON.parse(res.body ?? '')).toEqual({ n: 3 });
  });
});
