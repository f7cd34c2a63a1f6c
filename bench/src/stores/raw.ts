/**
 * The minimal hand-written implementations the stores are compared with: the fewest client calls
 * that keep a connection record, its channel list and each channel's member set consistent, with
 * TTLs, and no validation, no expiry filtering, no paging cursors.
 */
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import type { Redis } from 'ioredis';

export interface RawStore {
  register(id: string, channels: string[]): Promise<unknown>;
  join(id: string, channel: string): Promise<unknown>;
  leave(id: string, channel: string): Promise<unknown>;
  unregister(id: string): Promise<unknown>;
  allMembers(channel: string): Promise<number>;
  trips(): number;
}

const TTL_SECONDS = 2 * 3600 + 600;

/**
 * Redis: a hash per connection, a set of its channels, a set of members per channel.
 * register/join/leave: one pipeline each (1 round trip); unregister: read the channel set, then
 * one pipeline (2); members: SMEMBERS (1).
 */
export function rawRedis(client: Redis, trips: () => number): RawStore {
  const expireAt = () => Math.floor(Date.now() / 1000) + TTL_SECONDS;
  return {
    async register(id, channels) {
      const at = expireAt();
      const p = client
        .pipeline()
        .hset(`raw:c:${id}`, 'connectedAt', Date.now(), 'expiresAt', at, 'data', '{}')
        .expireat(`raw:c:${id}`, at)
        .sadd(`raw:cs:${id}`, ...channels)
        .expireat(`raw:cs:${id}`, at);
      for (const channel of channels) p.sadd(`raw:m:${channel}`, id);
      await p.exec();
    },
    async join(id, channel) {
      await client.pipeline().sadd(`raw:cs:${id}`, channel).sadd(`raw:m:${channel}`, id).exec();
    },
    async leave(id, channel) {
      await client.pipeline().srem(`raw:cs:${id}`, channel).srem(`raw:m:${channel}`, id).exec();
    },
    async unregister(id) {
      const channels = await client.smembers(`raw:cs:${id}`);
      const p = client.pipeline().del(`raw:c:${id}`, `raw:cs:${id}`);
      for (const channel of channels) p.srem(`raw:m:${channel}`, id);
      await p.exec();
    },
    async allMembers(channel) {
      return (await client.smembers(`raw:m:${channel}`)).length;
    },
    trips,
  };
}

/**
 * DynamoDB: one table (pk, sk); the connection item `c#id / c#id` with its channel list, one
 * membership item `m#channel / id` per channel. register/join/leave: one TransactWriteItems each;
 * unregister: GetItem + BatchWriteItem (2); members: Query pages.
 */
export async function rawDynamo(
  client: DynamoDBClient,
  tableName: string,
  trips: () => number,
): Promise<RawStore> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const expiresAt = () => ({ N: String(Math.floor(Date.now() / 1000) + TTL_SECONDS) });
  const connKey = (id: string) => ({ pk: { S: `c#${id}` }, sk: { S: `c#${id}` } });
  const memberKey = (channel: string, id: string) => ({ pk: { S: `m#${channel}` }, sk: { S: id } });
  return {
    async register(id, channels) {
      const ttl = expiresAt();
      await client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Put: {
                TableName: tableName,
                Item: {
                  ...connKey(id),
                  channels: { SS: channels },
                  connectedAt: { N: String(Date.now()) },
                  ttl,
                },
              },
            },
            ...channels.map((c) => ({ Put: { TableName: tableName, Item: { ...memberKey(c, id), ttl } } })),
          ],
        }),
      );
    },
    async join(id, channel) {
      await client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Update: {
                TableName: tableName,
                Key: connKey(id),
                UpdateExpression: 'ADD channels :c',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeValues: { ':c': { SS: [channel] } },
              },
            },
            { Put: { TableName: tableName, Item: { ...memberKey(channel, id), ttl: expiresAt() } } },
          ],
        }),
      );
    },
    async leave(id, channel) {
      await client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Update: {
                TableName: tableName,
                Key: connKey(id),
                UpdateExpression: 'DELETE channels :c',
                ExpressionAttributeValues: { ':c': { SS: [channel] } },
              },
            },
            { Delete: { TableName: tableName, Key: memberKey(channel, id) } },
          ],
        }),
      );
    },
    async unregister(id) {
      const item = (await client.send(new GetItemCommand({ TableName: tableName, Key: connKey(id) }))).Item;
      const channels = item?.channels?.SS ?? [];
      await client.send(
        new BatchWriteItemCommand({
          RequestItems: {
            [tableName]: [
              { DeleteRequest: { Key: connKey(id) } },
              ...channels.map((c) => ({ DeleteRequest: { Key: memberKey(c, id) } })),
            ],
          },
        }),
      );
    },
    async allMembers(channel) {
      let count = 0;
      let start: Record<string, { S: string }> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': { S: `m#${channel}` } },
            ProjectionExpression: 'sk',
            ExclusiveStartKey: start,
          }),
        );
        count += page.Count ?? 0;
        start = page.LastEvaluatedKey as Record<string, { S: string }> | undefined;
      } while (start !== undefined);
      return count;
    },
    trips,
  };
}
