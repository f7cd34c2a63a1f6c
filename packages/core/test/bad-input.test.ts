import { MAX_PAYLOAD_BYTES, WebSocketApp, type WebSocketEvent } from '@wsapp/core';
import { connectEvent, messageEvent } from '@wsapp/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { silentLogger } from './helpers.js';

describe('bad input never crashes the handler', () => {
  const calls: string[] = [];
  const app = new WebSocketApp({ logger: silentLogger() })
    .onConnect(() => void calls.push('connect'))
    .route('obj', { body: z.object({ a: z.number() }) }, () => void calls.push('obj'))
    .onDefault(() => void calls.push('default'));

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'event'],
    ['no requestContext', { body: '{}' }],
    ['requestContext null', { requestContext: null }],
    ['no routeKey', { requestContext: { eventType: 'MESSAGE', connectionId: 'c' } }],
    ['no connectionId', { requestContext: { routeKey: '$default', eventType: 'MESSAGE' } }],
    ['unknown eventType', { requestContext: { routeKey: '$default', eventType: 'PING', connectionId: 'c' } }],
    ['numeric routeKey', { requestContext: { routeKey: 5, eventType: 'MESSAGE', connectionId: 'c' } }],
    [
      'object body',
      { requestContext: { routeKey: '$default', eventType: 'MESSAGE', connectionId: 'c' }, body: {} },
    ],
  ])('answers 400 for an event with %s', async (_name, event) => {
    calls.length = 0;
    const res = await app.resolve(event as unknown as WebSocketEvent);
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body ?? '').message).toBe('Malformed event');
    expect(calls).toEqual([]);
  });

  it('answers 413 for a body over 128 KB, before any handler runs', async () => {
    calls.length = 0;
    const big = 'x'.repeat(MAX_PAYLOAD_BYTES + 1);
    const res = await app.resolve(messageEvent(big, { routeKey: '$default' }));
    expect(res.statusCode).toBe(413);
    const multiByte = 'é'.repeat(MAX_PAYLOAD_BYTES / 2 + 1); // 2 bytes each in UTF-8
    expect((await app.resolve(messageEvent(multiByte, { routeKey: '$default' }))).statusCode).toBe(413);
    const binary = await app.resolve(messageEvent(big, { routeKey: '$default', binary: true }));
    expect(binary.statusCode).toBe(413);
    expect(calls).toEqual([]);
  });

  it('accepts a body of exactly 128 KB', async () => {
    calls.length = 0;
    const res = await app.resolve(messageEvent('y'.repeat(MAX_PAYLOAD_BYTES), { routeKey: '$default' }));
    expect(res.statusCode).toBe(200);
    expect(calls).toEqual(['default']);
  });

  it('answers 400 for invalid base64', async () => {
    const event = messageEvent('x', { routeKey: '$default' });
    event.isBase64Encoded = true;
    event.body = '@@not base64@@';
    expect((await app.resolve(event)).statusCode).toBe(400);
  });

  it('handles malformed and deeply nested JSON', async () => {
    calls.length = 0;
    expect((await app.resolve(messageEvent('{"a":', { routeKey: '$default' }))).statusCode).toBe(200);
    const deep = '['.repeat(50_000) + ']'.repeat(50_000);
    expect((await app.resolve(messageEvent(deep, { routeKey: 'obj' }))).statusCode).toBe(400);
    expect(calls).toEqual(['default']);
  });

  it('does not pollute prototypes with __proto__ / constructor keys', async () => {
    const body = '{"a":1,"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}';
    const res = await app.resolve(messageEvent(body, { routeKey: 'obj' }));
    expect(res.statusCode).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('tolerates missing optional fields: headers, identity, requestId', async () => {
    const event = connectEvent();
    delete event.headers;
    delete event.multiValueHeaders;
    delete event.requestContext.identity;
    (event.requestContext as { requestId?: string }).requestId = undefined;
    expect((await app.resolve(event)).statusCode).toBe(200);
  });

  it('never rejects even with huge headers', async () => {
    const res = await app.resolve(connectEvent({ headers: { 'X-Big': 'h'.repeat(1_000_000) } }));
    expect(res.statusCode).toBe(200);
  });
});
