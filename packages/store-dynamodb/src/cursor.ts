import {
  cursorFields,
  InvalidCursorError,
  isCursorOf,
  type OpaqueCursorOptions,
  openCursor,
  sealCursor,
} from '@wsapp/core';

/**
 * DynamoDB cursors, written with core's opaque-cursor helper (sealed to the channel, so a cursor of
 * another channel or store, or an edited one, is refused with `InvalidCursorError`). Both carry
 * the shard count the listing started with: a listing does not survive a change of it.
 */
const MEMBERS: OpaqueCursorOptions = { prefix: 'd2' };
const SLICE: OpaqueCursorOptions = { prefix: 'ds2' };

/** Where a `members()` listing resumes: a shard, and the last sort key read in it. */
export interface MembersPosition {
  shard: number;
  /** Last connection id returned from `shard`; absent to start the shard from its beginning. */
  after?: string;
}

/** Encodes an opaque cursor: the shard index and the last key read. */
export function encodeCursor(channel: string, shards: number, position: MembersPosition): string {
  return sealCursor(MEMBERS, channel, [shards, position.shard, position.after ?? null]);
}

/** Decodes a cursor made by {@link encodeCursor} for the same channel and shard count. */
export function decodeCursor(cursor: string, channel: string, shards: number): MembersPosition {
  const [count, shard, after] = cursorFields(openCursor(MEMBERS, channel, cursor), ['index', 'index', 'id?']);
  assertShards(count, shards);
  if (shard >= shards) throw new InvalidCursorError();
  return after === null ? { shard } : { shard, after };
}

/** A slice: shards `[a, b)`, sort keys `[lo, hi)` ('' = open), and where its listing is (`s`, `k`). */
export interface SlicePosition {
  a: number;
  b: number;
  lo: string;
  hi: string;
  s: number;
  k?: string;
}

/** Whether a cursor is a slice cursor (by its prefix; decoding checks the rest). */
export function isSliceCursor(cursor: string | undefined): cursor is string {
  return isCursorOf(SLICE, cursor);
}

/** Encodes a slice position of a channel spread over `shards` keys. */
export function encodeSlice(channel: string, shards: number, p: SlicePosition): string {
  return sealCursor(SLICE, channel, [shards, p.a, p.b, p.lo, p.hi, p.s, p.k ?? null]);
}

/** Decodes a slice cursor made by {@link encodeSlice} for the same channel and shard count. */
export function decodeSlice(cursor: string, channel: string, shards: number): SlicePosition {
  const [count, a, b, lo, hi, s, k] = cursorFields(openCursor(SLICE, channel, cursor), [
    'index',
    'index',
    'index',
    'string',
    'string',
    'index',
    'string?',
  ]);
  assertShards(count, shards);
  if (b > shards || s < a || s > b) throw new InvalidCursorError();
  return k === null ? { a, b, lo, hi, s } : { a, b, lo, hi, s, k };
}

function assertShards(count: number, shards: number): void {
  if (count !== shards) {
    throw new InvalidCursorError(`the channel's shard count changed from ${count} to ${shards}`);
  }
}
