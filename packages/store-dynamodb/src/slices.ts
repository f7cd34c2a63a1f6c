import { evenStarts, type MembersPage, type QueryMembersArgs } from '@wsapp/core';
import { decodeSlice, encodeSlice } from './cursor.js';
import { membershipPartitionKey } from './key-layout.js';
import { queryShard, type SortKeyRange } from './members-query.js';
import type { Operation } from './operation.js';

/**
 * Slices of a DynamoDB channel: ranges of its shards (each shard is its own partition key, read in
 * parallel without contention), and, when more slices than shards are asked, ranges of the sort key
 * (the connection id) inside each shard. Sort-key boundaries are fixed characters of the base64
 * alphabet API Gateway's connection ids are made of, in byte order: which slice holds an id depends
 * on the id alone, so slices are disjoint and complete under churn for any ids; they are balanced
 * for API Gateway's ids. Planning reads nothing.
 */
const ALPHABET = '+-/0123456789=ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';

/** At most `count` slices of a channel spread over `shards` partition keys. */
export function planSlices(channel: string, shards: number, count: number): string[] {
  const encode = (position: Parameters<typeof encodeSlice>[2]) => encodeSlice(channel, shards, position);
  if (count <= shards) {
    const starts = evenStarts(shards, count);
    return starts.map((a, i) => {
      const b = starts[i + 1] ?? shards;
      return encode({ a, b, lo: '', hi: '', s: a });
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

/** The sort-key condition of a slice's Query: BETWEEN is inclusive, so a key equal to `hi` is dropped by the caller. */
function sortKeyRange(lo: string, hi: string, resuming: boolean): SortKeyRange {
  if (hi !== '' && lo !== '' && !resuming) {
    return { condition: ' AND #sk BETWEEN :lo AND :hi', values: { ':lo': { S: lo }, ':hi': { S: hi } } };
  }
  if (hi !== '') return { condition: ' AND #sk < :hi', values: { ':hi': { S: hi } } };
  if (lo !== '' && !resuming) return { condition: ' AND #sk >= :lo', values: { ':lo': { S: lo } } };
  return { condition: '', values: {} };
}

/** One page of a slice: like `members()`, shard by shard, keeping sort keys inside `[lo, hi)`. */
export async function querySlice(
  op: Operation,
  consistentRead: boolean,
  channel: string,
  cursor: string,
  { limit, now }: QueryMembersArgs,
): Promise<MembersPage> {
  const shards = op.layout.shardsOf(channel);
  const body = decodeSlice(cursor, channel, shards);
  let shard = body.s;
  let after = body.k;
  const connectionIds: string[] = [];
  while (shard < body.b) {
    const pk = membershipPartitionKey(channel, shard, shards);
    const range = sortKeyRange(body.lo, body.hi, after !== undefined);
    const page = await queryShard(op, consistentRead, pk, {
      limit: limit - connectionIds.length,
      now,
      after,
      range,
    });
    for (const id of page.ids) if (id !== body.hi) connectionIds.push(id);
    const last = page.last;
    if (last !== undefined && last !== body.hi) {
      after = last;
      if (connectionIds.length >= limit)
        return { connectionIds, cursor: encodeSlice(channel, shards, { ...body, s: shard, k: after }) };
      continue;
    }
    shard++;
    after = undefined;
    if (shard < body.b && connectionIds.length >= limit) {
      const { k: _k, ...rest } = body;
      return { connectionIds, cursor: encodeSlice(channel, shards, { ...rest, s: shard }) };
    }
  }
  return { connectionIds };
}
