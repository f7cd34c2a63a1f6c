import { MemoryConnectionStore } from '@wsapp/store-memory';
import { connectEvent, disconnectEvent, messageEvent } from '@wsapp/testing';
import { describe, expect, it, vi } from 'vitest';
import { createTickerApp, MAX_SUBSCRIPTIONS, tickerJoinPolicy } from '../src/app.js';

const logger = () => ({ error: vi.fn(), warn: vi.fn(), info: vi.fn() });

async function connected(principalId = 'ada') {
  const store = new MemoryConnectionStore();
  const app = createTickerApp({ store, logger: logger() });
  const connectionId = 'AAAAAAAAAAAAAAA=';
  const authorizer = { principalId };
  const response = await app.resolve(connectEvent({ connectionId, authorizer }));
  expect(response.statusCode).toBe(200);
  const send = (body: unknown) => app.resolve(messageEvent(body, { connectionId, authorizer }));
  const channels = async () => (await store.get(connectionId))?.channels;
  return { store, app, connectionId, authorizer, send, channels };
}

describe('ticker app: $connect', () => {
  it('rejects a connection without an authorizer principal, writing nothing', async () => {
    const store = new MemoryConnectionStore();
    const app = createTickerApp({ store, logger: logger() });
    expect((await app.resolve(connectEvent())).statusCode).toBe(401);
    // A user id in the query string is not an identity.
    expect((await app.resolve(connectEvent({ query: { user: 'ada' } }))).statusCode).toBe(401);
    expect((await app.resolve(connectEvent({ authorizer: { principalId: '' } }))).statusCode).toBe(401);
    expect(store.inspect()).toEqual({ connections: [], memberships: [] });
  });

  it("joins the user's own channel with the connection record", async () => {
    const { store, connectionId } = await connected('ada');
    expect(await store.get(connectionId)).toMatchObject({ channels: ['user#ada'], data: { user: 'ada' } });
    expect((await store.members('user#ada')).connectionIds).toEqual([connectionId]);
  });
});

describe('ticker app: subscribe / unsubscribe', () => {
  it('subscribes to valid symbols and answers the route response', async () => {
    const { send, channels, store, connectionId } = await connected();
    const response = await send({ action: 'subscribe', symbols: ['AMZN', 'BRK.B', 'AMZN'] });
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body ?? '')).toEqual({ subscribed: ['AMZN', 'BRK.B'] });
    expect(await channels()).toEqual(['user#ada', 'ticker#AMZN', 'ticker#BRK.B']);
    expect((await store.members('ticker#AMZN')).connectionIds).toEqual([connectionId]);
  });

  it.each([
    ['lower case', ['amzn']],
    ['a channel name', ['user#bob']],
    ['too long', ['ABCDEFG']],
    ['empty list', []],
    ['not a list', 'AMZN'],
  ])('refuses %s with 400 and joins nothing', async (_label, symbols) => {
    const { send, channels } = await connected();
    const response = await send({ action: 'subscribe', symbols });
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body ?? '').message).toBe('Invalid message body');
    expect(await channels()).toEqual(['user#ada']);
  });

  it(`caps a connection at ${MAX_SUBSCRIPTIONS} subscriptions`, async () => {
    const { send, channels } = await connected();
    const symbols = Array.from(
      { length: MAX_SUBSCRIPTIONS },
      (_, i) => `S${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + Math.floor(i / 26))}`,
    );
    for (let i = 0; i < symbols.length; i += 20) {
      expect((await send({ action: 'subscribe', symbols: symbols.slice(i, i + 20) })).statusCode).toBe(200);
    }
    expect((await send({ action: 'subscribe', symbols: symbols.slice(0, 3) })).statusCode).toBe(200); // no new ones
    expect((await send({ action: 'subscribe', symbols: ['ZZZZ'] })).statusCode).toBe(400);
    expect(await channels()).toHaveLength(MAX_SUBSCRIPTIONS + 1);
  });

  it('unsubscribes', async () => {
    const { send, channels } = await connected();
    await send({ action: 'subscribe', symbols: ['AMZN', 'MSFT'] });
    const response = await send({ action: 'unsubscribe', symbols: ['AMZN'] });
    expect(JSON.parse(response.body ?? '')).toEqual({ unsubscribed: ['AMZN'] });
    expect(await channels()).toEqual(['user#ada', 'ticker#MSFT']);
  });

  it('answers unknown actions on $default', async () => {
    const { app, connectionId, authorizer } = await connected();
    const response = await app.resolve(
      messageEvent({ action: 'buy' }, { connectionId, authorizer, routeKey: '$default' }),
    );
    expect(JSON.parse(response.body ?? '')).toEqual({
      error: 'unknown action',
      actions: ['subscribe', 'unsubscribe'],
    });
  });

  it('removes every subscription on $disconnect', async () => {
    const { app, send, store, connectionId, authorizer } = await connected();
    await send({ action: 'subscribe', symbols: ['AMZN'] });
    await app.resolve(disconnectEvent({ connectionId, authorizer, statusCode: 1001 }));
    expect(store.inspect()).toEqual({ connections: [], memberships: [] });
  });
});

describe('ticker app: authorizeJoin', () => {
  it("allows ticker channels and the user's own channel only", () => {
    const ctx = { authorizer: { principalId: 'ada' } };
    expect(tickerJoinPolicy(ctx, 'ticker#AMZN')).toBe(true);
    expect(tickerJoinPolicy(ctx, 'user#ada')).toBe(true);
    expect(tickerJoinPolicy(ctx, 'user#bob')).toBe(false);
    expect(tickerJoinPolicy(ctx, 'ticker#amzn')).toBe(false);
    expect(tickerJoinPolicy(ctx, 'room#1')).toBe(false);
    expect(tickerJoinPolicy({ authorizer: undefined }, 'user#')).toBe(false);
  });

  it("refuses another user's channel with 403 before the store is touched", async () => {
    const { app, send, channels } = await connected('ada');
    // A route that trusts the client with a channel name: the app's policy still holds.
    app.route('join-raw', async (ctx) => {
      await ctx.join(String((ctx.body as { channel: string }).channel));
    });
    const refused = await send({ action: 'join-raw', channel: 'user#bob' });
    expect(refused.statusCode).toBe(403);
    expect(JSON.parse(refused.body ?? '').message).toBe('Not allowed to join "user#bob"');
    expect((await send({ action: 'join-raw', channel: 'ticker#MSFT' })).statusCode).toBe(200);
    expect(await channels()).toEqual(['user#ada', 'ticker#MSFT']);
  });
});
