import { WebSocketApp, type WebSocketContext, WebSocketError } from '@wsapp/core';
import { connectEvent, disconnectEvent, messageEvent } from '@wsapp/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { silentLogger } from './helpers.js';

const Subscribe = z.object({ action: z.literal('subscribe'), ticker: z.string().min(1) });

describe('class handlers with TypeScript 5 decorators', () => {
  it('registers decorated methods with `this` bound to the instance', async () => {
    const app = new WebSocketApp({ logger: silentLogger() });

    class Handlers {
      readonly greeting = 'hello';
      readonly seen: string[] = [];

      @app.onConnect()
      connect(ctx: WebSocketContext) {
        if (ctx.query.token !== 'ok') throw new WebSocketError(401, 'unauthorized');
        this.seen.push(`connect:${ctx.connectionId}`);
      }

      @app.route('subscribe', { body: Subscribe })
      subscribe(ctx: WebSocketContext<z.infer<typeof Subscribe>>) {
        return { greeting: this.greeting, subscribed: ctx.body.ticker };
      }

      @app.route('echo')
      echo(ctx: WebSocketContext) {
        return ctx.body;
      }

      @app.onDefault()
      fallback() {
        return { error: 'unknown action', from: this.greeting };
      }

      @app.onDisconnect()
      disconnect(ctx: WebSocketContext) {
        this.seen.push(`disconnect:${ctx.connectionId}`);
      }
    }

    // Nothing is registered until the class is instantiated (initializers bind `this`).
    expect(app.routeKeys).toEqual([]);
    const handlers = new Handlers();
    expect(app.routeKeys.sort()).toEqual(['$connect', '$default', '$disconnect', 'echo', 'subscribe']);
    const handler = app.handler();

    expect((await handler(connectEvent({ connectionId: 'c1', query: { token: 'no' } }))).statusCode).toBe(
      401,
    );
    expect((await handler(connectEvent({ connectionId: 'c1', query: { token: 'ok' } }))).statusCode).toBe(
      200,
    );
    const subscribed = await handler(messageEvent({ action: 'subscribe', ticker: 'AMZN' }));
    expect(JSON.parse(subscribed.body ?? '')).toEqual({ greeting: 'hello', subscribed: 'AMZN' });
    expect((await handler(messageEvent({ action: 'subscribe', ticker: '' }))).statusCode).toBe(400);
    expect(JSON.parse((await handler(messageEvent({ action: 'echo', n: 1 }))).body ?? '')).toEqual({
      action: 'echo',
      n: 1,
    });
    expect(
      JSON.parse((await handler(messageEvent({ action: 'nope' }, { routeKey: '$default' }))).body ?? ''),
    ).toEqual({
      error: 'unknown action',
      from: 'hello',
    });
    await handler(disconnectEvent({ connectionId: 'c1' }));
    expect(handlers.seen).toEqual(['connect:c1', 'disconnect:c1']);
  });

  it('allows a second instance (the latest answers), refuses non-method targets', async () => {
    const app = new WebSocketApp({ logger: silentLogger() });
    class Twice {
      constructor(readonly name: string) {}
      @app.route('ping')
      ping() {
        return this.name;
      }
    }
    new Twice('first');
    new Twice('second');
    expect((await app.resolve(messageEvent({ action: 'ping' }))).body).toBe('second');
    expect(() => app.route('ping', () => 'other')).toThrow(/already registered/);
    const decorate = app.route('field') as unknown as (value: undefined, context: { kind: string }) => void;
    expect(() => decorate(undefined, { kind: 'field' })).toThrow(/methods only/);
  });

  it('keeps the plain registration forms', async () => {
    const app = new WebSocketApp({ logger: silentLogger() }).route('a', () => 1).onDefault({}, () => 2);
    expect(app.routeKeys.sort()).toEqual(['$default', 'a']);
  });
});
