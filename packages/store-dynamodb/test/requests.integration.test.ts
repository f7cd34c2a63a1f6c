import { DynamoDBConnectionStore } from '@wsapp/store-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { countingTestTable, queryAll } from './table.js';

const { client, tableName, counted } = await countingTestTable('requests');

describe('requests per operation', () => {
  let store: DynamoDBConnectionStore;
  beforeEach(() => {
    store = new DynamoDBConnectionStore({ tableName, client, channelShards: { byPrefix: { 'hot#': 4 } } });
  });

  it('register with 3 channels = 1 TransactWriteItems; with none = 1 PutItem', async () => {
    expect(await counted(() => store.register('r1=', { channels: ['a', 'b', 'c'] }))).toEqual([
      'TransactWriteItemsCommand',
    ]);
    expect(await counted(() => store.register('r0='))).toEqual(['PutItemCommand']);
  });

  it('register over a live record = 2 (the failed conditional write answers the old channels)', async () => {
    await store.register('rr=', { channels: ['a', 'b'] });
    expect(await counted(() => store.register('rr=', { channels: ['c'] }))).toEqual([
      'TransactWriteItemsCommand',
      'TransactWriteItemsCommand',
    ]);
  });

  it('join 1 channel = 1 request when the store has seen the connection, 2 otherwise', async () => {
    await store.register('j=', { channels: ['a'] });
    expect(await counted(() => store.join('j=', ['b']))).toEqual(['TransactWriteItemsCommand']);
    const other = new DynamoDBConnectionStore({ tableName, client });
    expect(await counted(() => other.join('j=', ['c']))).toEqual([
      'GetItemCommand',
      'TransactWriteItemsCommand',
    ]);
    expect(await counted(() => other.join('j=', ['d']))).toEqual(['TransactWriteItemsCommand']);
  });

  it('a stale remembered expiry costs one failed write, never a wrong expiry', async () => {
    const now = Date.now();
    const clock = () => now;
    const mine = new DynamoDBConnectionStore({ tableName, client, clock });
    await mine.register('stale=', { channels: ['a'] });
    const other = new DynamoDBConnectionStore({ tableName, client, clock });
    await other.touch('stale=', 600);
    expect(await counted(() => mine.join('stale=', ['stale-b']))).toEqual([
      'TransactWriteItemsCommand',
      'TransactWriteItemsCommand',
    ]);
    const expiresAt = Math.floor(now / 1000) + 600;
    expect((await mine.get('stale='))?.expiresAt).toBe(expiresAt);
    const [member] = await queryAll(client, tableName, 'ch#stale-b');
    expect(member?.expiresAt?.N).toBe(String(expiresAt));
  });

  it('leave 1 channel = 1 request', async () => {
    await store.register('l=', { channels: ['a', 'b'] });
    expect(await counted(() => store.leave('l=', ['a']))).toEqual(['TransactWriteItemsCommand']);
  });

  it('unregister of a connection with 3 channels = 2 requests (GetItem + TransactWriteItems)', async () => {
    await store.register('u=', { channels: ['a', 'b', 'c'] });
    expect(await counted(() => store.unregister('u='))).toEqual([
      'GetItemCommand',
      'TransactWriteItemsCommand',
    ]);
    expect(await counted(() => store.unregister('u='))).toEqual(['GetItemCommand']);
  });

  it('get = 1, update = 2, touch = 2, setChannels = 2', async () => {
    await store.register('o=', { channels: ['a'] });
    expect(await counted(() => store.get('o='))).toEqual(['GetItemCommand']);
    // update reads the data first: the size limit applies to the merged data.
    expect(await counted(() => store.update('o=', { n: 1 }))).toEqual([
      'GetItemCommand',
      'UpdateItemCommand',
    ]);
    expect(await counted(() => store.touch('o='))).toEqual(['GetItemCommand', 'TransactWriteItemsCommand']);
    expect(await counted(() => store.setChannels('o=', ['b', 'c']))).toEqual([
      'GetItemCommand',
      'TransactWriteItemsCommand',
    ]);
  });

  it('150 channels: one transaction of 99 memberships + one fenced chunk for the rest', async () => {
    const channels = Array.from({ length: 150 }, (_, n) => `big#${n}`);
    const tx = 'TransactWriteItemsCommand';
    expect(await counted(() => store.register('big=', { channels }))).toEqual([tx, tx]);
    expect(await counted(() => store.leave('big=', channels))).toEqual([tx, tx]);
    expect(await counted(() => store.join('big=', channels))).toEqual([tx, tx]);
    expect(await counted(() => store.unregister('big='))).toEqual(['GetItemCommand', tx, tx]);
  });

  it('a members page = 1 Query per shard it touches', async () => {
    await Promise.all(Array.from({ length: 3 }, (_, n) => store.register(`m${n}=`, { channels: ['cold'] })));
    expect(await counted(() => store.members('cold'))).toEqual(['QueryCommand']);
    await Promise.all(
      Array.from({ length: 40 }, (_, n) => store.register(`h${n}=`, { channels: ['hot#x'] })),
    );
    // Whole channel in one page: every one of the 4 shards once.
    expect(await counted(() => store.members('hot#x'))).toEqual(Array(4).fill('QueryCommand'));
    // A 5-member page is filled from the first shard alone.
    expect(await counted(() => store.members('hot#x', { limit: 5 }))).toEqual(['QueryCommand']);
  });
});
