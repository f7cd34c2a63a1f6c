import { WebSocketApp } from '@wsapp/core';
import { messageEvent } from '@wsapp/testing';
import * as v from 'valibot';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { silentLogger } from './helpers.js';

describe('body validation with Standard Schema', () => {
  const zodSchema = z.object({
    action: z.literal('subscribe'),
    ticker: z
      .string()
      .min(1)
      .transform((s) => s.toUpperCase()),
  });
  const valibotSchema = v.object({
    action: v.literal('subscribe'),
    ticker: v.pipe(v.string(), v.minLength(1)),
  });

  it('with zod: passes the parsed output to the handler, typed', async () => {
    const app = new WebSocketApp({ logger: silentLogger() }).route(
      'subscribe',
      { body: zodSchema },
      (ctx) => {
        expectTypeOf(ctx.body).toEqualTypeOf<{ action: 'subscribe'; ticker: string }>();
        return { subscribed: ctx.body.ticker };
      },
    );
    const res = await app.resolve(messageEvent({ action: 'subscribe', ticker: 'amzn' }));
    expect(res).toEqual({ statusCode: 200, body: '{"subscribed":"AMZN"}' });
  });

  it('with valibot: passes the parsed output to the handler, typed', async () => {
    const app = new WebSocketApp({ logger: silentLogger() }).route(
      'subscribe',
      { body: valibotSchema },
      (ctx) => {
        expectTypeOf(ctx.body.ticker).toEqualTypeOf<string>();
        return { subscribed: ctx.body.ticker };
      },
    );
    const res = await app.resolve(messageEvent({ action: 'subscribe', ticker: 'AMZN' }));
    expect(res).toEqual({ statusCode: 200, body: '{"subscribed":"AMZN"}' });
  });

  it.each([
    ['zod', zodSchema],
    ['valibot', valibotSchema],
  ] as const)('with %s: answers 400 with the issues and does not call the handler', async (_name, schema) => {
    let called = false;
    const app = new WebSocketApp({ logger: silentLogger() }).route('subscribe', { body: schema }, () => {
      called = true;
    });
    const res = await app.resolve(messageEvent({ action: 'subscribe', ticker: 7 }, { requestId: 'r1' }));
    expect(res.statusCode).toBe(400);
    const body = JSON.parse(res.body ?? '');
    expect(body.message).toBe('Invalid message body');
    expect(body.requestId).toBe('r1');
    expect(body.issues).toHaveLength(1);
    expect(body.issues[0].path).toEqual(['ticker']);
    expect(typeof body.issues[0].message).toBe('string');
    expect(called).toBe(false);
  });

  it('answers 400 when the body is not JSON or not an object', async () => {
    const app = new WebSocketApp({ logger: silentLogger() }).onDefault({ body: zodSchema }, () => 'ok');
    const notJson = await app.resolve(messageEvent('subscribe AMZN', { routeKey: '$default' }));
    expect(notJson.statusCode).toBe(400);
    expect(JSON.parse(notJson.body ?? '').message).toBe('Message body must be JSON');
    const array = await app.resolve(messageEvent('[1,2]', { routeKey: '$default' }));
    expect(array.statusCode).toBe(400);
    expect(JSON.parse(array.body ?? '').message).toBe('Invalid message body');
  });

  it('supports asynchronous schemas', async () => {
    const asyncSchema = z
      .object({ n: z.number() })
      .refine(async (b) => b.n > 0, { message: 'n must be positive', path: ['n'] });
    const app = new WebSocketApp({ logger: silentLogger() }).route(
      'n',
      { body: asyncSchema },
      (ctx) => ctx.body.n * 2,
    );
    expect((await app.resolve(messageEvent({ n: 2 }, { routeKey: 'n' }))).body).toBe('4');
    const bad = await app.resolve(messageEvent({ n: -1 }, { routeKey: 'n' }));
    expect(JSON.parse(bad.body ?? '').issues).toEqual([{ message: 'n must be positive', path: ['n'] }]);
  });

  it('validates after route middleware ran, so middleware can answer unvalidated input itself', async () => {
    const app = new WebSocketApp({ logger: silentLogger() }).route(
      'subscribe',
      { body: zodSchema, middleware: [async () => 'intercepted'] },
      () => 'handler',
    );
    expect((await app.resolve(messageEvent({ action: 'subscribe' }))).body).toBe('intercepted');
  });
});
