import { WebSocketApp, WebSocketError } from '@wsapp/core';
import { messageEvent } from '@wsapp/testing';
import { describe, expect, it } from 'vitest';
import { silentLogger } from './helpers.js';

describe('middleware', () => {
  it('runs global then route middleware around the handler, onion order', async () => {
    const order: string[] = [];
    const app = new WebSocketApp({ logger: silentLogger() })
      .use(async (_ctx, next) => {
        order.push('global-1 in');
        const r = await next();
        order.push('global-1 out');
        return r;
      })
      .use(async (_ctx, next) => {
        order.push('global-2 in');
        const r = await next();
        order.push('global-2 out');
        return r;
      })
      .route(
        'x',
        {
          middleware: [
            async (_ctx, next) => {
              order.push('route in');
              const r = await next();
              order.push('route out');
              return r;
            },
          ],
        },
        () => {
          order.push('handler');
          return 'done';
        },
      );
    const res = await app.resolve(messageEvent({ action: 'x' }));
    expect(res.body).toBe('done');
    expect(order).toEqual([
      'global-1 in',
      'global-2 in',
      'route in',
      'handler',
      'route out',
      'global-2 out',
      'global-1 out',
    ]);
  });

  it('applies middleware registered after the routes, also after the first request', async () => {
    const app = new WebSocketApp({ logger: silentLogger() }).route('x', () => 'handler');
    expect((await app.resolve(messageEvent({ action: 'x' }))).body).toBe('handler');
    app.use(async () => 'late middleware');
    expect((await app.resolve(messageEvent({ action: 'x' }))).body).toBe('late middleware');
  });

  it('may short-circuit: the handler is not called', async () => {
    let called = false;
    const app = new WebSocketApp({ logger: silentLogger() })
      .use(async (ctx, next) => (ctx.body === undefined ? { error: 'json only' } : next()))
      .onDefault(() => {
        called = true;
      });
    const res = await app.resolve(messageEvent('not json', { routeKey: '$default' }));
    expect(JSON.parse(res.body ?? '')).toEqual({ error: 'json only' });
    expect(called).toBe(false);
  });

  it('may replace the result on the way out', async () => {
    const app = new WebSocketApp({ logger: silentLogger() })
      .use(async (_ctx, next) => ({ wrapped: await next() }))
      .route('x', () => 1);
    expect((await app.resolve(messageEvent({ action: 'x' }))).body).toBe('{"wrapped":1}');
  });

  it('passes typed state from middleware to handlers', async () => {
    const app = new WebSocketApp<{ user?: string; startedAt?: number }>({ logger: silentLogger() })
      .use(async (ctx, next) => {
        ctx.state.user = String(ctx.authorizer?.principalId ?? 'anonymous');
        return next();
      })
      .route('whoami', (ctx) => ({ user: ctx.state.user }));
    const res = await app.resolve(messageEvent({ action: 'whoami' }, { authorizer: { principalId: 'u-7' } }));
    expect(JSON.parse(res.body ?? '')).toEqual({ user: 'u-7' });
  });

  it('gives each request its own state', async () => {
    const app = new WebSocketApp<{ count?: number }>({ logger: silentLogger() })
      .use(async (ctx, next) => {
        ctx.state.count = (ctx.state.count ?? 0) + 1;
        return next();
      })
      .route('x', (ctx) => ctx.state.count);
    await app.resolve(messageEvent({ action: 'x' }));
    expect((await app.resolve(messageEvent({ action: 'x' }))).body).toBe('1');
  });

  it('turns errors thrown by middleware into responses', async () => {
    const app = new WebSocketApp({ logger: silentLogger() })
      .use(async () => {
        throw new WebSocketError(429, 'slow down');
      })
      .route('x', () => 'never');
    const res = await app.resolve(messageEvent({ action: 'x' }));
    expect(res.statusCode).toBe(429);
    expect(JSON.parse(res.body ?? '').message).toBe('slow down');
  });

  it('answers 500 when a middleware calls next() twice', async () => {
    const logger = silentLogger();
    const app = new WebSocketApp({ logger })
      .use(async (_ctx, next) => {
        await next();
        return next();
      })
      .route('x', () => 'once');
    const res = await app.resolve(messageEvent({ action: 'x' }));
    expect(res.statusCode).toBe(500);
    expect(logger.error).toHaveBeenCalled();
  });
});
