import { BatchWriteItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBConnectionStore } from '@wsapp/store-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { dropTable, inspector, queryAll, testClient, testTable } from './table.js';

const client = await testClient();
const tableName = await testTable(client, 'store');
afterAll(async () => {
  await dropTable(client, tableName);
  client.destroy();
});

async function registerAll(store: DynamoDBConnectionStore, ids: string[], channels: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 100) {
    await Promise.all(ids.slice(i, i + 100).map((id) => store.register(id, { channels })));
  }
}

async function pageAll(store: DynamoDBConnectionStore, channel: string, limit: number) {
  const seen: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await store.members(channel, cursor === undefined ? { limit } : { limit, cursor });
    expect(page.connectionIds.length).toBeLessThanOrEqual(limit);
    seen.push(...page.connectionIds);
    cursor = page.cursor;
    pages++;
  } while (cursor !== undefined);
  return { seen, pages };
}

describe('DynamoDBConnectionStore on DynamoDB Local', () => {
  it('pages a 5,000-member channel, each member exactly once', async () => {
    const store = new DynamoDBConnectionStore({ tableName, client });
    const ids = Array.from({ length: 5000 }, (_, n) => `big${n}=`);
    // Seeded with raw batch writes of membership items (DynamoDB Local runs transactions one at a
    // time, so 5,000 registers take a minute); the conformance suite pages 1,200 real registers.
    const expiresAt = Math.floor(Date.now() / 1000) + 600;
    const puts = ids.map((id) => ({
      PutRequest: { Item: { pk: { S: 'ch#big-room' }, sk: { S: id }, expiresAt: { N: String(expiresAt) } } },
    }));
    for (let i = 0; i < puts.length; i += 250) {
      await Promise.all(
        Array.from({ length: 10 }, (_, b) => puts.slice(i + b * 25, i + b * 25 + 25))
          .filter((batch) => batch.length > 0)
          .map((batch) => client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: batch } }))),
      );
    }
    // One expired member and one live member of the seeded kind prove the filter still applies.
    await store.register('big-live=', { channels: ['big-room'] });
    await store.register('big-dead=', { channels: ['big-room'], ttlSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    ids.push('big-live=');
    const { seen, pages } = await pageAll(store, 'big-room', 1000);
    expect(seen.length).toBe(5001);
    expect(new Set(seen)).toEqual(new Set(ids));
    expect(pages).toBeGreaterThanOrEqual(6);
    expect(pages).toBeLessThanOrEqual(7);
  });

  it('spreads a sharded channel over 8 partition keys and pages across all of them exactly once', async () => {
    const store = new DynamoDBConnectionStore({
      tableName,
      client,
      channelShards: { byPrefix: { 'ticker#': 8 } },
    });
    const ids = Array.from({ length: 1000 }, (_, n) => `tick${n}=`);
    await registerAll(store, ids, ['ticker#AMZN']);
    const keys = store.channelPartitionKeys('ticker#AMZN');
    expect(keys).toHaveLength(8);
    const perShard = await Promise.all(
      keys.map(async (pk) => (await queryAll(client, tableName, pk)).length),
    );
    expect(perShard.filter((n) => n > 0).length).toBe(8);
    expect(perShard.reduce((a, b) => a + b, 0)).toBe(1000);
    for (const n of perShard) expect(n).toBeGreaterThan(60); // FNV-1a spreads ~125 each
    // A page size that does not divide a shard, so pages span shard boundaries.
    const { seen, pages } = await pageAll(store, 'ticker#AMZN', 37);
    expect(seen.length).toBe(1000);
    expect(new Set(seen)).toEqual(new Set(ids));
    expect(pages).toBeLessThanOrEqual(Math.ceil(1000 / 37) + 1);
    expect(store.shardsOf('room')).toBe(1);
  });

  it('registers 150 channels (over the 100-item transaction limit) and unregister removes all', async () => {
    const store = new DynamoDBConnectionStore({ tableName, client });
    const look = inspector(client, store);
    const channels = Array.from({ length: 150 }, (_, n) => `many#${n}`);
    const record = await store.register('many=', { channels });
    expect((await store.get('many='))?.channels.sort()).toEqual([...channels].sort());
    for (const channel of channels) {
      expect(await look.channelMembers(channel)).toEqual([
        { connectionId: 'many=', expiresAt: record.expiresAt },
      ]);
    }
    await store.touch('many=', 600);
    const touched = (await store.get('many='))?.expiresAt;
    for (const channel of [channels[0]!, channels[149]!]) {
      expect((await look.channelMembers(channel))[0]?.expiresAt).toBe(touched);
    }
    await store.setChannels('many=', channels.slice(100).concat(['many#extra']));
    expect((await store.get('many='))?.channels).toHaveLength(51);
    expect(await look.channelMembers(channels[0]!)).toEqual([]);
    expect(await look.channelMembers('many#extra')).toHaveLength(1);
    await store.join('many=', channels);
    expect((await store.get('many='))?.channels).toHaveLength(151);
    const removed = await store.unregister('many=');
    expect(removed?.channels).toHaveLength(151);
    expect(await look.connectionItems('many=')).toEqual([]);
    for (const channel of [...channels, 'many#extra']) expect(await look.channelMembers(channel)).toEqual([]);
  });

  it('keeps look-alike channels apart in a mixed sharded/unsharded table (backdoor scan)', async () => {
    const sharded = new DynamoDBConnectionStore({ tableName, client, channelShards: { byPrefix: { a: 2 } } });
    const names = ['a', 'a#1', '1#a', 'sh#1#a', 'ch#a', 'b', 'h#a'];
    for (const [n, channel] of names.entries()) await sharded.register(`look${n}=`, { channels: [channel] });
    for (const [n, channel] of names.entries())
      expect([...(await allOf(sharded, channel))]).toEqual([`look${n}=`]);
    // Every membership item of these connections, read raw: one per connection, all on distinct keys.
    const { Items = [] } = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'begins_with(sk, :look)',
        ExpressionAttributeValues: { ':look': { S: 'look' } },
        ConsistentRead: true,
      }),
    );
    const pks = Items.map((item) => item.pk?.S);
    expect(pks.length).toBe(names.length);
    expect(new Set(pks).size).toBe(names.length);
  });

  it('rejects a cursor made for another channel', async () => {
    const store = new DynamoDBConnectionStore({ tableName, client });
    await registerAll(store, ['cur1=', 'cur2='], ['cur-room']);
    const page = await store.members('cur-room', { limit: 1 });
    expect(page.cursor).toBeDefined();
    await expect(store.members('other-room', { limit: 1, cursor: page.cursor! })).rejects.toThrow(
      /Invalid members cursor/,
    );
  });
});

async function allOf(store: DynamoDBConnectionStore, channel: string): Promise<string[]> {
  const out: string[] = [];
  for await (const id of store.allMembers(channel)) out.push(id);
  return out;
}

describe('expiry stays exact under concurrency', () => {
  it('joins racing with touches leave every membership with the connection expiry', async () => {
    let now = Date.now();
    const clock = () => now;
    const a = new DynamoDBConnectionStore({ tableName, client, clock });
    const b = new DynamoDBConnectionStore({ tableName, client, clock });
    const look = inspector(client, a);
    await a.register('race=', { channels: ['race#0'] });
    const work: Array<Promise<void>> = [];
    for (let n = 1; n <= 20; n++) {
      work.push((n % 2 === 0 ? a : b).join('race=', [`race#${n}`]));
      if (n % 4 === 0) {
        now += 1000;
        work.push((n % 8 === 0 ? a : b).touch('race=', 600 + n));
      }
    }
    await Promise.all(work);
    const record = await a.get('race=');
    expect(record?.channels).toHaveLength(21);
    for (const channel of record?.channels ?? []) {
      expect(await look.channelMembers(channel), channel).toEqual([
        { connectionId: 'race=', expiresAt: record?.expiresAt },
      ]);
    }
  });
});
