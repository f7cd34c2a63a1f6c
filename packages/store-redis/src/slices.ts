import { evenStarts } from '@wsapp/core';
import type { Cluster, Redis } from 'ioredis';
import { encodeSlice, type SlicePosition } from './cursor.js';
import type { ChannelKeys } from './key-layout.js';

/**
 * Slices of a Redis channel: ranges of the member ids in byte order, over the channel's lex-ordered
 * sorted set. Boundaries are members sampled at even ranks when the slices are planned; a slice is
 * `[lo, hi)` in byte order, so which slice holds an id depends on the id alone, whoever joins or
 * leaves later (disjoint and complete under churn; balance may drift, correctness does not).
 */
// KEYS lk | ARGV count rank… → members at those ranks (the first slice starts at '-', no rank for it)
const BOUNDARIES = `
local total = redis.call('ZCARD', KEYS[1])
local out = {}
for i = 2, #ARGV do
  local m = redis.call('ZRANGE', KEYS[1], tonumber(ARGV[i]), tonumber(ARGV[i]))
  if m[1] then out[#out + 1] = m[1] end
end
return { total, out }`;

// KEYS lk xk | ARGV now min max limit budget → { live members of [min, max], last scanned or '' }
const SLICE_MEMBERS = `
local lk, xk = KEYS[1], KEYS[2]
local now = tonumber(ARGV[1]) local min = ARGV[2] local max = ARGV[3]
local limit = tonumber(ARGV[4]) local budget = tonumber(ARGV[5])
local out = {}
local last = ''
while #out < limit and budget > 0 do
  local n = math.min(limit - #out, budget)
  local batch = redis.call('ZRANGEBYLEX', lk, min, max, 'LIMIT', 0, n)
  for _, m in ipairs(batch) do
    local s = redis.call('ZSCORE', xk, m)
    if s and tonumber(s) > now then out[#out + 1] = m end
    last = m
  end
  budget = budget - #batch
  if #batch < n then return { out, '' } end
  min = '(' .. last
end
if last == '' or #redis.call('ZRANGEBYLEX', lk, '(' .. last, max, 'LIMIT', 0, 1) == 0 then return { out, '' } end
return { out, last }`;

/**
 * Plans at most `count` slices: reads the member count, then the members at even ranks (one
 * script, one round trip). Ranks are taken from the card read in the same script, so they exist.
 */
export async function planSlices(
  client: Redis | Cluster,
  channel: string,
  keys: ChannelKeys,
  count: number,
): Promise<string[]> {
  const total = Number(await client.zcard(keys.lex));
  const starts = evenStarts(total, count);
  const reply = (await client.eval(BOUNDARIES, 1, keys.lex, count, ...starts.slice(1))) as [unknown, unknown];
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
  client: Redis | Cluster,
  keys: ChannelKeys,
  position: SlicePosition,
  limit: number,
  now: number,
): Promise<{ connectionIds: string[]; next: SlicePosition | undefined }> {
  const min = position.after !== '' ? `(${position.after}` : position.lo !== '' ? `[${position.lo}` : '-';
  const max = position.hi !== '' ? `(${position.hi}` : '+';
  const reply = (await client.eval(
    SLICE_MEMBERS,
    2,
    keys.lex,
    keys.expiry,
    now,
    min,
    max,
    limit,
    limit * 4 + 1000,
  )) as [unknown, unknown];
  const connectionIds = Array.isArray(reply[0]) ? reply[0].map(String) : [];
  const last = String(reply[1]);
  return { connectionIds, next: last === '' ? undefined : { ...position, after: last } };
}
