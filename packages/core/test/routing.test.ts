import { WebSocketApp } from '@wsapp/core';
import { connectEvent, disconnectEvent, messageEvent } from '@wsapp/testing';
import { describe, expect, it, vi } from 'vitest';
import { silentLogger } from './helpers.js';

describe('WebSocketApp routing', () => {
  it('dispatches $connect, $disconnect, custom routes and $default to their handlers', async () => {
    const seen: string[] = [];
    const app = new WebSocketApp({ logger: silentLogger() })
      .onConnect((ctx) => void seen.push(`connect:${ctx.eventType}`))
      .onDisconnect((ctx) => void seen.push(`disconnect:${ctx.eventType}`))
      .route('ping', (ctx) => void seen.push(`ping:${ctx.routeKey}`))
      .onDefault((ctx) => void seen.push(`default:${ctx.routeKey}`));

    const id = 'L0SM9cOFvHcCIhw=';
    await app.resolve(connectEvent({ connectionId: id }));
    await app.resolve(messageEvent({ action: 'ping' }, { connectionId: id }));
    await app.resolve(messageEvent('hello', { connectionId: id }));
    await app.resolve(disconnectEvent({ connectionId: id }));
    expect(seen).toEqual(['connect:CONNECT', 'ping:ping', 'default:$default', 'disconnect:DISCONNECT']);
  });

  it('turns return values into responses: undefined → 200, string as is, objects as JSON', async () => {
    const app = new WebSocketApp({ logger: silentLogger() })
      .route('none', () => undefined)
      .route('text', () => 'plain text')
      .route('json', async () => ({ ok: true, n: 1 }));
    expect(await app.resolve(messageEvent({ action: 'none' }))).toEqual({ statusCode: 200 });
    expect(await app.resolve(messageEvent({ action: 'text' }))).toEqual({
      statusCode: 200,
      body: 'plain text',
    });
    expect(await app.resolve(messageEvent({ action: 'json' }))).toEqual({
      statusCode: 200,
      body: '{"ok":true,"n":1}',
    });
  });

  it('exposes the event fields on the context', async () => {
    let captured: Record<string, unknown> = {};
    const app = new WebSocketApp({ logger: silentLogger() }).onConnect((ctx) => {
      captured = {
        connectionId: ctx.connectionId,
        routeKey: ctx.routeKey,
        eventType: ctx.eventType,
        requestId: ctx.requestId,
        host: ctx.headers.host,
        custom: ctx.headers['x-custom-header'],
        query: ctx.query,
        authorizer: ctx.authorizer,
        sourceIp: ctx.sourceIp,
        body: ctx.body,
        rawBody: ctx.rawBody,
        lambda: ctx.lambdaContext?.awsRequestId,
      };
    });
    const event = connectEvent({
      connectionId: 'abc=',
      requestId: 'req-1',
      headers: { 'X-Custom-Header': 'v' },
      query: { token: 't1' },
      authorizer: { principalId: 'user-1' },
      sourceIp: '198.51.100.7',
    });
    await app.resolve(event, { awsRequestId: 'lambda-1' });
    expect(captured).toEqual({
      connectionId: 'abc=',
      routeKey: '$connect',
      eventType: 'CONNECT',
      requestId: 'req-1',
      host: event.requestContext.domainName,
      custom: 'v',
      query: { token: 't1' },
      authorizer: { principalId: 'user-1' },
      sourceIp: '198.51.100.7',
      body: undefined,
      rawBody: undefined,
      lambda: 'lambda-1',
    });
  });

  it('parses JSON bodies, decodes base64 binary frames, and keeps non-JSON text in rawBody', async () => {
    const bodies: unknown[] = [];
    const app = new WebSocketApp({ logger: silentLogger() }).onDefault((ctx) => {
      bodies.push([ctx.body, ctx.rawBody]);
    });
    await app.resolve(messageEvent({ n: 1 }, { routeKey: '$default' }));
    await app.resolve(messageEvent({ n: 2 }, { routeKey: '$default', binary: true }));
    await app.resolve(messageEvent('not json {', { routeKey: '$default' }));
    expect(bodies).toEqual([
      [{ n: 1 }, '{"n":1}'],
      [{ n: 2 }, '{"n":2}'],
      [undefined, 'not json {'],
    ]);
  });

  it('answers 404 and warns when no route and no $default handler match', async () => {
    const logger = silentLogger();
    const app = new WebSocketApp({ logger }).onConnect(() => undefined);
    const res = await app.resolve(messageEvent({ action: 'nope' }, { requestId: 'r-9' }));
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body ?? '')).toEqual({ message: 'No route for this message', requestId: 'r-9' });
    expect(logger.warn).toHaveBeenCalledWith(
      'wsapp: no route for message and no $default handler',
      expect.objectContaining({ routeKey: 'nope' }),
    );
  });

  it('accepts $connect and $disconnect without handlers, warning once that $connect is unauthenticated', async () => {
    const logger = silentLogger();
    const app = new WebSocketApp({ logger }).route('x', () => 'x');
    expect(await app.resolve(connectEvent())).toEqual({ statusCode: 200 });
    expect(await app.resolve(connectEvent())).toEqual({ statusCode: 200 });
    expect(await app.resolve(disconnectEvent())).toEqual({ statusCode: 200 });
    const warnings = logger.warn.mock.calls.filter(([m]) => String(m).includes('no $connect handler'));
    expect(warnings).toHaveLength(1);
  });

  it('does not warn about $connect when a handler exists', async () => {
    const logger = silentLogger();
    const app = new WebSocketApp({ logger }).onConnect(() => undefined);
    await app.resolve(connectEvent());
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('rejects duplicate registrations and non-function handlers at registration time', () => {
    const app = new WebSocketApp().route('a', () => 1);
    expect(() => app.route('a', () => 2)).toThrow(/already registered/);
    expect(() => app.route('', () => 2)).toThrow(/non-empty/);
    // @ts-expect-error a handler must be a function
    expect(() => app.route('b', {}, 'not a function')).toThrow(/must be a function/);
    // @ts-expect-error a handler must be a function
    expect(() => app.route('b', 42)).toThrow(/must be a function/);
  });

  it('lists its route keys (the emulator and deploy templates read them)', () => {
    const app = new WebSocketApp()
      .onConnect(() => 1)
      .route('a', () => 1)
      .onDefault(() => 1);
    expect(app.routeKeys.sort()).toEqual(['$connect', '$default', 'a']);
  });

  it('handler() returns a Lambda function bound to the app', async () => {
    const handler = new WebSocketApp({ logger: silentLogger() }).route('ping', () => 'pong').handler();
    const fn = vi.fn(handler);
    expect(await fn(messageEvent({ action: 'ping' }))).toEqual({ statusCode: 200, body: 'pong' });
  });
});

describe('in-Lambda route selection', () => {
  const build = () =>
    new WebSocketApp({ routeSelection: '$request.body.meta.type', logger: silentLogger() })
      .onConnect(() => undefined)
      .route('subscribe', (ctx) => ({ route: ctx.routeKey, body: ctx.body }))
      .route('42', () => 'numeric route')
      .onDefault((ctx) => ({ route: ctx.routeKey }));

  it('dispatches $default messages by the dotted path in the JSON body', async () => {
    const res = await build().resolve(
      messageEvent({ meta: { type: 'subscribe' } }, { routeKey: '$default' }),
    );
    expect(JSON.parse(res.body ?? '')).toEqual({ route: 'subscribe', body: { meta: { type: 'subscribe' } } });
  });

  it('compares numbers as strings, like API Gateway', async () => {
    const res = await build().resolve(messageEvent({ meta: { type: 42 } }, { routeKey: '$default' }));
    expect(res.body).toBe('numeric route');
  });

  it('falls back to $default for unknown values, missing fields, non-JSON and inherited keys', async () => {
    const app = build();
    for (const body of [
      { meta: { type: 'unknown' } },
      { other: 1 },
      'plain text',
      '{"meta":{"type":"constructor"}}',
      '{"meta":{"__proto__":{"type":"subscribe"}}}',
      { meta: { type: '$connect' } },
      { meta: { type: { nested: true } } },
    ]) {
      const res = await app.resolve(messageEvent(body, { routeKey: '$default' }));
      expect(JSON.parse(res.body ?? '')).toEqual({ route: '$default' });
    }
  });

  it('leaves events that API Gateway already routed alone', async () => {
    const res = await build().resolve(messageEvent({ meta: { type: 'other' } }, { routeKey: 'subscribe' }));
    expect(JSON.parse(res.body ?? '').route).toBe('subscribe');
  });

  it('rejects malformed selection expressions at construction', () => {
    expect(() => new WebSocketApp({ routeSelection: 'action' })).toThrow(/\$request\.body\.action/);
    expect(() => new WebSocketApp({ routeSelection: '$request.body.' })).toThrow();
    expect(() => new WebSocketApp({ routeSelection: '$request.body.a..b' })).toThrow(/empty path/);
  });
});
