import { QueryCommand, type QueryCommandInput, type QueryCommandOutput } from '@aws-sdk/client-dynamodb';
import type { MembersPage, QueryMembersArgs } from '@wsapp/core';
import { decodeCursor, encodeCursor } from './cursor.js';
import { storeError } from './errors.js';
import { membershipPartitionKey } from './key-layout.js';
import type { Operation } from './operation.js';

/** Sort-key bounds of one Query of a shard: a key condition beside the partition key's, and its values. */
export interface SortKeyRange {
  /** Appended to `#pk = :pk` (starts with ` AND `), or '' for the whole shard. */
  condition: string;
  /** The values `condition` names. */
  values: NonNullable<QueryCommandInput['ExpressionAttributeValues']>;
}

/**
 * One Query of a membership partition: live members (by the TTL attribute) after `after`, at most
 * `limit`, and the last sort key DynamoDB evaluated when it stopped short (`undefined` at the end).
 */
export async function queryShard(
  op: Operation,
  consistentRead: boolean,
  pk: string,
  {
    limit,
    now,
    after,
    range,
  }: { limit: number; now: number; after: string | undefined; range?: SortKeyRange },
): Promise<{ ids: string[]; last: string | undefined }> {
  const { client, layout } = op;
  const { tableName, keys } = layout;
  let output: QueryCommandOutput;
  try {
    output = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: `#pk = :pk${range?.condition ?? ''}`,
        FilterExpression: '#ttl > :now',
        ProjectionExpression: '#sk',
        ExpressionAttributeNames: { '#pk': keys.pk, '#sk': keys.sk, '#ttl': keys.ttl },
        ExpressionAttributeValues: { ':pk': { S: pk }, ':now': { N: String(now) }, ...range?.values },
        Limit: limit,
        ConsistentRead: consistentRead,
        ExclusiveStartKey:
          after === undefined ? undefined : { [keys.pk]: { S: pk }, [keys.sk]: { S: after } },
      }),
      { abortSignal: op.signal },
    );
  } catch (error) {
    throw storeError('members', error);
  }
  const ids: string[] = [];
  for (const item of output.Items ?? []) {
    const id = item[keys.sk]?.S;
    if (id !== undefined) ids.push(id);
  }
  return { ids, last: output.LastEvaluatedKey?.[keys.sk]?.S };
}

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
  const shards = op.layout.shardsOf(channel);
  const position = cursor === undefined ? { shard: 0 } : decodeCursor(cursor, channel, shards);
  let shard = position.shard;
  let after: string | undefined = position.after;
  const connectionIds: string[] = [];
  for (;;) {
    const pk = membershipPartitionKey(channel, shard, shards);
    const { ids, last } = await queryShard(op, consistentRead, pk, {
      limit: limit - connectionIds.length,
      now,
      after,
    });
    connectionIds.push(...ids);
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
