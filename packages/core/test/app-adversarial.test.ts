import { WebSocketApp, WebSocketError, type WebSocketEvent } from '@wsapp/core';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { connectEvent, messageEvent } from '@wsapp/testing';
import { describe, expect, it } from 'vitest';
import { silentLogger } from './helpers.js';

/** Everything a logger was given, as text, to check that client input never reaches the logs. */
function logged(logger: ReturnType<typeof silentLogger>): string {
  const calls = [...logger.error.mock.calls, ...logger.warn.mock.calls, ...logger.info.mock.calls];
  return calls
    .flat()
    .map((v) => (v instanceof Error ? `${v.message} ${JSON.stringify(v)}` : JSON.stringify(v, replacer)))
    .join('\n');
}
function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { ...value, message: value.message };
  return typeof value === 'bigint' ? String(value) : value;
}

describe('onError cannot accept a rejected $connect (issue 15)', () => {
  it('keeps the WebSocketError status when onError returns a value, and registers nothing', async () => {
    const store = new MemoryConnectionStore();
    const app = new WebSocketApp({ store, logger: silentLogger() })
      .onConnect(async (ctx) => {
        await ctx.join('room');
        throw new WebSocketError(401, 'unauthorized');
      })
      .onError(() => ({ error: 'nope' }));
    const res = await app.resolve(connectEvent({ connectionId: 'c1=' }));
    expect(res.statusCode).toBe(401);
    expect(JSON.parse(res.body ?? '')).toEqual({ error: 'nope' });
    expect(await store.get('c1=')).toBeUndefined();
  });

  it('answers 500 for a plain error mapped to a value, on $connect and on a route', async () => {
    const store = new MemoryConnectionStore();
    const app = new WebSocketApp({ store, logger: silentLogger() })
      .onConnect(() => {
        throw new Error('db down');
      })
      .route('x', () => {
        throw new Error('db down');
      })
      .onError(() => 'sorry');
    const connect = await app.resolve(connectEvent({ connectionId: 'c2=' }));
    expect(connect).toEqual({ statusCode: 500, body: 'sorry' });
    expect(await store.get('c2=')).toBeUndefined();
    expect((await app.resolve(messageEvent({ action: 'x' }))).statusCode).toBe(500);
  });
});

describe('$connect with data or channels the store refuses (issue 15)', () => {
  it('answers 400 for a channel over the store limit, and logs nothing of it', async () => {
    const logger = silentLogger();
    const store = new MemoryConnectionStore({ maxChannelBytes: 16 });
    const channel = 'secret-channel-name-from-the-client';
    const app = new WebSocketApp({ store, logger }).onConnect((ctx) => ctx.join(channel));
    const res = await app.resolve(connectEvent({ connectionId: 'c3=' }));
    expect(res.statusCode).toBe(400);
    expect(await store.get('c3=')).toBeUndefined();
    expect(logged(logger)).not.toContain('secret-channel');
  });

  it('answers 400 for too many channels', async () => {
    const store = new MemoryConnectionStore({ maxChannelsPerConnection: 2 });
    const app = new WebSocketApp({ store, logger: silentLogger() }).onConnect((ctx) =>
      ctx.join('a', 'b', 'c'),
    );
    const res = await app.resolve(connectEvent({ connectionId: 'c4=' }));
    expect(res.statusCode).toBe(400);
    expect(await store.get('c4=')).toBeUndefined();
  });

  it('answers 400 for data that is not JSON or too large, and logs nothing of it', async () => {
    const logger = silentLogger();
    const store = new MemoryConnectionStore({ maxDataBytes: 64 });
    const app = new WebSocketApp({ store, logger }).onConnect((ctx) =>
      ctx.setData({ name: ctx.query.name, n: ctx.query.big === '1' ? 1n : 0 }),
    );
    const tooBig = await app.resolve(connectEvent({ connectionId: 'c5=', query: { name: 'x'.repeat(80) } }));
    expect(tooBig.statusCode).toBe(400);
    const bigint = await app.resolve(
      connectEvent({ connectionId: 'c6=', query: { name: 'client-secret', big: '1' } }),
    );
    expect(bigint.statusCode).toBe(400);
    expect(await store.get('c5=')).toBeUndefined();
    expect(await store.get('c6=')).toBeUndefined();
    expect(logged(logger)).not.toContain('client-secret');
    expect(logged(logger)).not.toContain('xxxxxxxx');
  });
});

describe('resolve() never rejects, whatever the values (issue 15)', () => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const throwing = {
    get requestContext(): never {
      throw new Error('getter');
    },
  };
  const throwingRc = {
    requestContext: {
      get routeKey(): never {
        throw new Error('getter');
      },
    },
  };

  it.each([
    ['a revoked Proxy', revoked.proxy],
    ['a throwing requestContext getter', throwing],
    ['a throwing routeKey getter', throwingRc],
    ['a revoked Proxy as requestContext', { requestContext: revoked.proxy }],
  ])('answers 400 for an event that is %s', async (_name, event) => {
    const app = new WebSocketApp({ logger: silentLogger() }).onDefault(() => 'ok');
    const res = await app.resolve(event as unknown as WebSocketEvent);
    expect(res.statusCode).toBe(400);
  });

  const results: Array<[string, unknown]> = [
    ['a BigInt field', { n: 1n }],
    ['a cyclic object', cyclic],
    ['a revoked Proxy', revoked.proxy],
    ['an object with a throwing getter', throwing],
    [
      'an object whose toJSON throws',
      {
        toJSON: () => {
          throw new Error('toJSON');
        },
      },
    ],
  ];

  it.each(results)('answers 500 for a handler result with %s', async (_name, value) => {
    const app = new WebSocketApp({ logger: silentLogger() }).route('x', () => value as never);
    expect((await app.resolve(messageEvent({ action: 'x' }))).statusCode).toBe(500);
  });

  it.each(results)('answers 500 when onError returns %s', async (_name, value) => {
    const app = new WebSocketApp({ logger: silentLogger() })
      .route('x', () => {
        throw new Error('boom');
      })
      .onError(() => value);
    expect((await app.resolve(messageEvent({ action: 'x' }))).statusCode).toBe(500);
  });

  it.each(results)('answers 500 when a handler throws %s', async (_name, value) => {
    const app = new WebSocketApp({ logger: silentLogger() }).route('x', () => {
      throw value;
    });
    expect((await app.resolve(messageEvent({ action: 'x' }))).statusCode).toBe(500);
  });

  it.each(results)('answers the status of a WebSocketError whose details hold %s', async (_name, value) => {
    const app = new WebSocketApp({ logger: silentLogger() }).route('x', () => {
      throw new WebSocketError(409, 'conflict', { details: { value } });
    });
    const res = await app.resolve(messageEvent({ action: 'x' }));
    expect(res.statusCode).toBe(409);
    expect(JSON.parse(res.body ?? '').message).toBe('conflict');
  });

  it('answers 500 when the logger itself throws', async () => {
    const exploding = {
      error() {
        throw new Error('logger down');
      },
      warn() {
        throw new Error('logger down');
      },
    };
    const app = new WebSocketApp({ logger: exploding }).route('x', () => {
      throw new Error('boom');
    });
    expect((await app.resolve(messageEvent({ action: 'x' }))).statusCode).toBe(500);
  });
});
