import { evenStarts } from '@wsapp/core';
import { encodeSlice, type SlicePosition } from './cursor.js';
import type { ChannelKeys } from './key-layout.js';
import type { RedisClient } from './redis-store-options.js';
import type { ScriptRunner } from './script-runner.js';

/**
 * Slices of a Redis channel: ranges of the member ids in byte order, over the channel's lex-ordered
 * sorted set. Boundaries are members sampled at even ranks when the slices are planned; a slice is
 * `[lo, hi)` in byte order, so which slice holds an id depends on the id alone, whoever joins or
 * leaves later (disjoint and complete under churn; balance may drift, correctness does not).
 */

/**
 * Plans at most `count` slices: reads the member count, then the members at even ranks (one
 * script, one round trip). Ranks are taken from the card read in the same script, so they exist.
 */
export async function planSlices(
  client: RedisClient,
  scripts: ScriptRunner,
  channel: string,
  keys: ChannelKeys,
  count: number,
): Promise<string[]> {
  const total = Number(await client.zcard(keys.lex));
  const starts = evenStarts(total, count);
  const reply = (await scripts.run('sliceBounds', [keys.lex], [count, ...starts.slice(1)])) as [
    unknown,
    unknown,
  ];
  const bounds = Array.isArray(reply[1]) ? reply[1].map(String) : [];
  // Duplicated boundaries (the set shrank in between) would make empty slices: drop them.
  const unique = [...new Set(bounds)].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const edges = ['', ...unique, ''];
  const out: string[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    out.push(encodeSlice(channel, { lo: edges[i] as string, hi: edges[i + 1] as string, after: '' }));
  }
  return out;
}

/** One page of a slice: live members of its range after the last scanned one, and the next position. */
export async function querySlice(
  scripts: ScriptRunner,
  keys: ChannelKeys,
  position: SlicePosition,
  limit: number,
  now: number,
): Promise<{ connectionIds: string[]; next: SlicePosition | undefined }> {
  const min = position.after !== '' ? `(${position.after}` : position.lo !== '' ? `[${position.lo}` : '-';
  const max = position.hi !== '' ? `(${position.hi}` : '+';
  const reply = (await scripts.run(
    'sliceMembers',
    [keys.lex, keys.expiry],
    [now, min, max, limit, limit * 4 + 1000],
  )) as [unknown, unknown];
  const connectionIds = Array.isArray(reply[0]) ? reply[0].map(String) : [];
  const last = String(reply[1]);
  return { connectionIds, next: last === '' ? undefined : { ...position, after: last } };
}
