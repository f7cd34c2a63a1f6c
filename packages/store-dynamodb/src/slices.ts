import { QueryCommand, type QueryCommandInput, type QueryCommandOutput } from '@aws-sdk/client-dynamodb';
import { evenStarts, InvalidCursorError, type MembersPage, type QueryMembersArgs } from '@wsapp/core';
import { storeError } from './errors.js';
import { fnv1a, membershipPartitionKey } from './key-layout.js';
import type { Operation } from './operation.js';

/**
 * Slices of a DynamoDB channel: ranges of its shards (each shard is its own partition key, read in
 * parallel without contention), and, when more slices than shards are asked, ranges of the sort key
 * (the connection id) inside each shard. Sort-key boundaries are fixed characters of the base64
 * alphabet API Gateway's connection ids are made of, in byte order: which slice holds an id depends
 * on the id alone, so slices are disjoint and complete under churn for any ids; they are balanced
 * for API Gateway's ids. Planning reads nothing.
 */
const PREFIX = 'd.';
const ALPHABET = '+-/0123456789=ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';

/** A slice: shards `[a, b)`, sort keys `[lo, hi)` ('' = open), and where its listing is. */
interface SliceBody {
  v: 1;
  h: number;
  n: number;
  a: number;
  b: number;
  lo: string;
  hi: string;
  s: number;
  k?: string;
}

/** Whether a cursor is a slice cursor (plain cursors are base64url, without a dot). */
export function isSliceCursor(cursor: string | undefined): cursor is string {
  return cursor?.startsWith(PREFIX) === true;
}

function encode(body: SliceBody): string {
  return PREFIX + Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

function decode(cursor: string, channel: string, shards: number): SliceBody {
  let body: Partial<SliceBody>;
  try {
    body = JSON.parse(Buffer.from(cursor.slice(PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (typeof body !== 'object' || body === null || body.v !== 1 || body.h !== fnv1a(channel)) {
    throw new InvalidCursorError();
  }
  if (body.n !== shards) {
    throw new InvalidCursorError(`the channel's shard count changed from ${String(body.n)} to ${shards}`);
  }
  const { a, b, s, lo, hi, k } = body;
  const ints = [a, b, s].every((x) => typeof x === 'number' && Number.isInteger(x));
  if (
    !ints ||
    typeof lo !== 'string' ||
    typeof hi !== 'string' ||
    (k !== undefined && typeof k !== 'string')
  ) {
    throw new InvalidCursorError();
  }
  if (
    (a as number) < 0 ||
    (b as number) > shards ||
    (s as number) < (a as number) ||
    (s as number) > (b as number)
  ) {
    throw new InvalidCursorError();
  }
  return body as SliceBody;
}

/** At most `count` slices of a channel spread over `shards` partition keys. */
export function planSlices(channel: string, shards: number, count: number): string[] {
  const base = { v: 1 as const, h: fnv1a(channel), n: shards };
  if (count <= shards) {
    const starts = evenStarts(shards, count);
    return starts.map((a, i) => {
      const b = starts[i + 1] ?? shards;
      return encode({ ...base, a, b, lo: '', hi: '', s: a });
    });
  }
  const perShard = Math.min(Math.floor(count / shards), ALPHABET.length);
  const edges = [
    '',
    ...evenStarts(ALPHABET.length, perShard)
      .slice(1)
      .map((i) => ALPHABET[i] as string),
    '',
  ];
  const out: string[] = [];
  for (let shard = 0; shard < shards; shard++) {
    for (let i = 0; i + 1 < edges.length; i++) {
      out.push(
        encode({
          ...base,
          a: shard,
          b: shard + 1,
          lo: edges[i] as string,
          hi: edges[i + 1] as string,
          s: shard,
        }),
      );
    }
  }
  return out;
}

/** One page of a slice: like `members()`, shard by shard, keeping sort keys inside `[lo, hi)`. */
export async function querySlice(
  op: Operation,
  consistentRead: boolean,
  channel: string,
  cursor: string,
  { limit, now }: QueryMembersArgs,
): Promise<MembersPage> {
  const { client, layout } = op;
  const { tableName, keys } = layout;
  const shards = layout.shardsOf(channel);
  const body = decode(cursor, channel, shards);
  let shard = body.s;
  let after = body.k;
  const connectionIds: string[] = [];
  while (shard < body.b) {
    const pk = membershipPartitionKey(channel, shard, shards);
    const values: NonNullable<QueryCommandInput['ExpressionAttributeValues']> = {
      ':pk': { S: pk },
      ':now': { N: String(now) },
    };
    let condition = '#pk = :pk';
    // One sort-key condition per Query: BETWEEN is inclusive, so a key equal to `hi` is dropped below.
    if (body.hi !== '' && body.lo !== '' && after === undefined) {
      condition += ' AND #sk BETWEEN :lo AND :hi';
      values[':lo'] = { S: body.lo };
      values[':hi'] = { S: body.hi };
    } else if (body.hi !== '') {
      condition += ' AND #sk < :hi';
      values[':hi'] = { S: body.hi };
    } else if (body.lo !== '' && after === undefined) {
      condition += ' AND #sk >= :lo';
      values[':lo'] = { S: body.lo };
    }
    let output: QueryCommandOutput;
    try {
      output = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: condition,
          FilterExpression: '#ttl > :now',
          ProjectionExpression: '#sk',
          ExpressionAttributeNames: { '#pk': keys.pk, '#sk': keys.sk, '#ttl': keys.ttl },
          ExpressionAttributeValues: values,
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
      if (id !== undefined && id !== body.hi) connectionIds.push(id);
    }
    const last = output.LastEvaluatedKey?.[keys.sk]?.S;
    if (last !== undefined && last !== body.hi) {
      after = last;
      if (connectionIds.length >= limit)
        return { connectionIds, cursor: encode({ ...body, s: shard, k: after }) };
      continue;
    }
    shard++;
    after = undefined;
    if (shard < body.b && connectionIds.length >= limit) {
      const { k: _k, ...rest } = body;
      return { connectionIds, cursor: encode({ ...rest, s: shard }) };
    }
  }
  return { connectionIds };
}
