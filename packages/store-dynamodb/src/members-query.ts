import { QueryCommand, type QueryCommandOutput } from '@aws-sdk/client-dynamodb';
import type { MembersPage, QueryMembersArgs } from '@wsapp/core';
import { decodeCursor, encodeCursor } from './cursor.js';
import { storeError } from './errors.js';
import { membershipPartitionKey } from './key-layout.js';
import type { Operation } from './operation.js';

/**
 * One page of a channel's live members over its `shards` partition keys, in shard order: a Query
 * per shard touched (more only when expired items or the 1 MB response limit cut a Query short),
 * `Limit` set to what the page still needs, expired memberships filtered out by the TTL attribute.
 */
export async function queryMembers(
  op: Operation,
  consistentRead: boolean,
  channel: string,
  { limit, cursor, now }: QueryMembersArgs,
): Promise<MembersPage> {
  const { client, layout } = op;
  const { tableName, keys } = layout;
  const shards = layout.shardsOf(channel);
  const position = cursor === undefined ? { shard: 0 } : decodeCursor(cursor, channel, shards);
  let shard = position.shard;
  let after: string | undefined = position.after;
  const connectionIds: string[] = [];
  for (;;) {
    const pk = membershipPartitionKey(channel, shard, shards);
    let output: QueryCommandOutput;
    try {
      output = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: '#pk = :pk',
          FilterExpression: '#ttl > :now',
          ProjectionExpression: '#sk',
          ExpressionAttributeNames: { '#pk': keys.pk, '#sk': keys.sk, '#ttl': keys.ttl },
          ExpressionAttributeValues: { ':pk': { S: pk }, ':now': { N: String(now) } },
          Limit: limit - connectionIds.length,
          ConsistentRead: consistentRead,
          ...(after === undefined
            ? {}
            : { ExclusiveStartKey: { [keys.pk]: { S: pk }, [keys.sk]: { S: after } } }),
        }),
        { abortSignal: op.signal },
      );
    } catch (error) {
      throw storeError('members', error);
    }
    for (const item of output.Items ?? []) {
      const id = item[keys.sk]?.S;
      if (id !== undefined) connectionIds.push(id);
    }
    const last = output.LastEvaluatedKey?.[keys.sk]?.S;
    if (last !== undefined) {
      after = last;
      if (connectionIds.length >= limit) {
        return { connectionIds, cursor: encodeCursor(channel, shards, { shard, after }) };
      }
      continue;
    }
    shard++;
    after = undefined;
    if (shard >= shards) return { connectionIds };
    if (connectionIds.length >= limit)
      return { connectionIds, cursor: encodeCursor(channel, shards, { shard }) };
  }
}
