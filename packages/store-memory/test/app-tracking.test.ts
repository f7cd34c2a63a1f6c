import { type ConnectionRecord, StoreUnavailableError, WebSocketApp, WebSocketError } from '@wsapp/core';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { connectEvent, disconnectEvent, messageEvent } from '@wsapp/testing';
import { describe, expect, it, vi } from 'vitest';

const logger = () => ({ error: vi.fn(), warn: vi.fn() });
const members = async (store: MemoryConnectionStore, channel: string) =>
  (await store.members(channel)).connectionIds;

describe('WebSocketApp with a store: automatic tracking', () => {
  it('connect with channels → broadcast targets visible → disconnect leaves nothing', async () => {
    const store = new MemoryConnectionStore();
    const app = new WebSocketApp({ store, logger: logger() })
      .onConnect(async (ctx) => {
        const user = String(ctx.authorizer?.principalId);
        await ctx.join(`user#${user}`, ['lobby']);
        await ctx.setData({ user, locale: ctx.query.locale ?? 'en' });
        expect(await ctx.connection()).toBeUndefined(); // not recorded until accepted
      })
      .route('join', async (ctx) => {
        await ctx.join(String((ctx.body as { room: string }).room));
        return (await ctx.connection())?.channels;
      })
      .route('leave', async (ctx) => {
        await ctx.leave('lobby');
      });

    const a = 'AAAAAAAAAAAAAAA=';
    const b = 'BBBBBBBBBBBBBBB=';
    expect(
      (
        await app.resolve(
          connectEvent({ connectionId: a, authorizer: { principalId: 'u1' }, query: { locale: 'fr' } }),
        )
      ).statusCode,
    ).toBe(200);
    expect(
      (await app.resolve(connectEvent({ connectionId: b, authorizer: { principalId: 'u2' } }))).statusCode,
    ).toBe(200);

    const record = await store.get(a);
    expect(record).toMatchObject({
      connectionId: a,
      channels: ['user#u1', 'lobby'],
      data: { user: 'u1', locale: 'fr' },
      endpoint: 'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod',
    });
    expect((await members(store, 'lobby')).sort()).toEqual([a, b].sort());
    expect(await members(store, 'user#u2')).toEqual([b]);

    const joined = await app.resolve(messageEvent({ action: 'join', room: 'room#1' }, { connectionId: a }));
    expect(JSON.parse(joined.body ?? '')).toEqual(['user#u1', 'lobby', 'room#1']);
    await app.resolve(messageEvent({ action: 'leave' }, { connectionId: b }));
    expect(await members(store, 'lobby')).toEqual([a]);

    await app.resolve(disconnectEvent({ connectionId: a }));
    await app.resolve(disconnectEvent({ connectionId: b, statusCode: 1006, reason: 'Connection lost' }));
    expect(store.inspect()).toEqual({ connections: [], memberships: [] });
  });

  it('writes the connection, its channels and data in one store write', async () => {
    const store = new MemoryConnectionStore();
    const register = vi.spyOn(store, 'register');
    const join = vi.spyOn(store, 'join');
    const update = vi.spyOn(store, 'update');
    const app = new WebSocketApp({ store, logger: logger() }).onConnect(async (ctx) => {
      await ctx.join('a');
      await ctx.join('b', 'c');
      await ctx.leave('c');
      await ctx.setData({ x: 1, y: 2 });
      await ctx.setData({ y: null });
    });
    await app.resolve(connectEvent({ connectionId: 'c1=' }));
    expect(register).toHaveBeenCalledTimes(1);
    expect(register.mock.calls[0]?.[1]).toMatchObject({ channels: ['a', 'b'], data: { x: 1 } });
    expect(join).not.toHaveBeenCalled();
    expect(update).not.toHaveBeenCalled();
  });

  it('a rejected or failed connect writes nothing', async () => {
    const store = new MemoryConnectionStore();
    const app = new WebSocketApp({ store, logger: logger() }).onConnect(async (ctx) => {
      await ctx.join('lobby');
      if (ctx.query.fail === 'reject') throw new WebSocketError(403, 'forbidden');
      if (ctx.query.fail === 'crash') throw new Error('bug');
    });
    expect((await app.resolve(connectEvent({ query: { fail: 'reject' } }))).statusCode).toBe(403);
    expect((await app.resolve(connectEvent({ query: { fail: 'crash' } }))).statusCode).toBe(500);
    expect(store.inspect()).toEqual({ connections: [], memberships: [] });
  });

  it('rejects the connection (400) when the store refuses its data, logging none of it', async () => {
    const store = new MemoryConnectionStore({ maxDataBytes: 64 });
    const log = logger();
    const app = new WebSocketApp({ store, logger: log }).onConnect(async (ctx) => {
      await ctx.setData({ blob: 'x'.repeat(100) });
    });
    const res = await app.resolve(connectEvent({ connectionId: 'big=', requestId: 'r1' }));
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain('blob');
    expect(await store.get('big=')).toBeUndefined();
    expect(log.warn).toHaveBeenCalledWith(
      'wsapp: the store refused the connection',
      expect.objectContaining({ connectionId: 'big=', requestId: 'r1' }),
    );
    expect(JSON.stringify(log.warn.mock.calls)).not.toContain('xxxx');
  });

  it('rejects the connection (500) when the store write fails, never accepting it unrecorded', async () => {
    class FailingStore extends MemoryConnectionStore {
      protected override async _put(): Promise<void> {
        throw new StoreUnavailableError('backend down');
      }
    }
    const store = new FailingStore();
    const log = logger();
    const app = new WebSocketApp({ store, logger: log }).onConnect(async (ctx) => {
      await ctx.join('lobby');
    });
    const res = await app.resolve(connectEvent({ connectionId: 'down=', requestId: 'r2' }));
    expect(res.statusCode).toBe(500);
    expect(await store.get('down=')).toBeUndefined();
    expect(log.error).toHaveBeenCalledWith(
      'wsapp: could not record the connection; rejecting it',
      expect.objectContaining({ connectionId: 'down=', requestId: 'r2' }),
    );
  });

  it('invalid channel names reject with 400, write nothing, and log nothing of the input', async () => {
    const store = new MemoryConnectionStore();
    const log = logger();
    const app = new WebSocketApp({ store, logger: log })
      .onConnect(async (ctx) => {
        await ctx.join(ctx.query.room ?? 'lobby');
      })
      .route('join', (ctx) => ctx.join(String((ctx.body as { room: string }).room)));
    const rejected = await app.resolve(connectEvent({ query: { room: 'bad\nname' } }));
    expect(rejected.statusCode).toBe(400);
    expect(JSON.parse(rejected.body ?? '').message).toBe('Invalid channel name');
    expect(store.inspect().connections).toEqual([]);
    await app.resolve(connectEvent({ connectionId: 'ok=' }));
    const res = await app.resolve(
      messageEvent({ action: 'join', room: 'x\u0000secret' }, { connectionId: 'ok=' }),
    );
    expect(res.statusCode).toBe(400);
    expect((await store.get('ok='))?.channels).toEqual(['lobby']);
    expect(log.error).not.toHaveBeenCalled();
  });

  it('registers connections even without a $connect handler', async () => {
    const store = new MemoryConnectionStore();
    const app = new WebSocketApp({ store, logger: logger() });
    await app.resolve(connectEvent({ connectionId: 'c=' }));
    expect((await store.get('c='))?.channels).toEqual([]);
  });

  it('lets the $disconnect handler read the record before it is removed', async () => {
    const store = new MemoryConnectionStore();
    let seen: ConnectionRecord | undefined;
    const app = new WebSocketApp({ store, logger: logger() })
      .onConnect((ctx) => ctx.join('room'))
      .onDisconnect(async (ctx) => {
        seen = await ctx.connection();
      });
    await app.resolve(connectEvent({ connectionId: 'c=' }));
    await app.resolve(disconnectEvent({ connectionId: 'c=' }));
    expect(seen?.channels).toEqual(['room']);
    expect(await store.get('c=')).toBeUndefined();
  });

  it('removes the record even when the $disconnect handler throws', async () => {
    const store = new MemoryConnectionStore();
    const app = new WebSocketApp({ store, logger: logger() }).onDisconnect(() => {
      throw new Error('handler bug');
    });
    await app.resolve(connectEvent({ connectionId: 'c=' }));
    await app.resolve(disconnectEvent({ connectionId: 'c=' }));
    expect(store.inspect().connections).toEqual([]);
  });

  it('answers 500 when joining from a route for a connection the store does not know', async () => {
    const store = new MemoryConnectionStore();
    const log = logger();
    const app = new WebSocketApp({ store, logger: log }).route('join', (ctx) => ctx.join('x'));
    const res = await app.resolve(messageEvent({ action: 'join' }, { connectionId: 'ghost=' }));
    expect(res.statusCode).toBe(500);
    expect(log.error).toHaveBeenCalled();
  });

  it('records the endpoint option rather than the event domain (custom domains)', async () => {
    const store = new MemoryConnectionStore();
    const app = new WebSocketApp({ store, endpoint: 'https://ws.example.com/v1', logger: logger() });
    await app.resolve(connectEvent({ connectionId: 'c=', domainName: 'ws.example.com' }));
    expect((await store.get('c='))?.endpoint).toBe('https://ws.example.com/v1');
  });

  it('records no endpoint for a custom domain without the option', async () => {
    const store = new MemoryConnectionStore();
    const app = new WebSocketApp({ store, logger: logger() });
    await app.resolve(connectEvent({ connectionId: 'c=', domainName: 'ws.example.com' }));
    expect((await store.get('c='))?.endpoint).toBeUndefined();
  });

  it('autoTrack: false leaves the store to the app', async () => {
    const store = new MemoryConnectionStore();
    const app = new WebSocketApp({ store, autoTrack: false, logger: logger() })
      .onConnect(async (ctx) => {
        await store.register(ctx.connectionId, { data: { manual: true } });
        await ctx.join('manual'); // goes straight to the store
      })
      .onDisconnect(() => undefined);
    await app.resolve(connectEvent({ connectionId: 'c=' }));
    expect(await store.get('c=')).toMatchObject({ data: { manual: true }, channels: ['manual'] });
    await app.resolve(disconnectEvent({ connectionId: 'c=' }));
    expect(await store.get('c=')).toBeDefined();
  });

  it('without a store, ctx.join fails with a clear error (500 to the client, logged)', async () => {
    const log = logger();
    const app = new WebSocketApp({ logger: log }).route('j', (ctx) => ctx.join('x'));
    expect((await app.resolve(messageEvent({ action: 'j' }))).statusCode).toBe(500);
    const logged = log.error.mock.calls[0]?.[1] as { error: Error };
    expect(logged.error.message).toBe('ctx.join() needs a connection store: new WebSocketApp({ store })');
  });
});

describe('authorizeJoin', () => {
  const build = (store: MemoryConnectionStore) =>
    new WebSocketApp({
      store,
      logger: logger(),
      // A user may join their own user# channel and any room, nothing else.
      authorizeJoin: (ctx, channel) =>
        channel === `user#${String(ctx.authorizer?.principalId)}` || channel.startsWith('room#'),
    })
      .onConnect((ctx) => ctx.join(`user#${String(ctx.authorizer?.principalId)}`))
      .route('join', (ctx) => ctx.join(String((ctx.body as { channel: string }).channel)));

  it("refuses to let a client join another user's channel, writing nothing", async () => {
    const store = new MemoryConnectionStore();
    const app = build(store);
    await app.resolve(connectEvent({ connectionId: 'mallory=', authorizer: { principalId: 'mallory' } }));
    const res = await app.resolve(
      messageEvent(
        { action: 'join', channel: 'user#alice' },
        { connectionId: 'mallory=', authorizer: { principalId: 'mallory' } },
      ),
    );
    expect(res.statusCode).toBe(403);
    expect(JSON.parse(res.body ?? '').message).toBe('Not allowed to join "user#alice"');
    expect(await members(store, 'user#alice')).toEqual([]);
    expect((await store.get('mallory='))?.channels).toEqual(['user#mallory']);
  });

  it('allows permitted joins, on $connect and in routes', async () => {
    const store = new MemoryConnectionStore();
    const app = build(store);
    await app.resolve(connectEvent({ connectionId: 'alice=', authorizer: { principalId: 'alice' } }));
    const res = await app.resolve(
      messageEvent(
        { action: 'join', channel: 'room#1' },
        { connectionId: 'alice=', authorizer: { principalId: 'alice' } },
      ),
    );
    expect(res.statusCode).toBe(200);
    expect((await store.get('alice='))?.channels).toEqual(['user#alice', 'room#1']);
  });

  it('rejects the connection when $connect joins a forbidden channel', async () => {
    const store = new MemoryConnectionStore();
    const app = new WebSocketApp({ store, logger: logger(), authorizeJoin: () => false }).onConnect((ctx) =>
      ctx.join('anything'),
    );
    expect((await app.resolve(connectEvent())).statusCode).toBe(403);
    expect(store.inspect().connections).toEqual([]);
  });
});
