import { InvalidCursorError } from '@wsapp/core';
import { fnv1a } from './key-layout.js';

/** Where a `members()` listing resumes: a shard, and the last sort key read in it. */
export interface MembersPosition {
  shard: number;
  /** Last connection id returned from `shard`; absent to start the shard from its beginning. */
  after?: string;
}

interface CursorBody {
  v: 1;
  /** FNV-1a of the channel, so a cursor is not replayed against another channel. */
  h: number;
  /** Shard count the listing was started with. */
  n: number;
  s: number;
  k?: string;
}

/** Encodes an opaque cursor: base64url JSON of the shard index and the last key read. */
export function encodeCursor(channel: string, shards: number, position: MembersPosition): string {
  const body: CursorBody = { v: 1, h: fnv1a(channel), n: shards, s: position.shard };
  if (position.after !== undefined) body.k = position.after;
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/** Decodes a cursor made by {@link encodeCursor} for the same channel and shard count. */
export function decodeCursor(cursor: string, channel: string, shards: number): MembersPosition {
  let body: Partial<CursorBody>;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorBody>;
  } catch {
    throw new InvalidCursorError();
  }
  if (typeof body !== 'object' || body === null || body.v !== 1 || body.h !== fnv1a(channel)) {
    throw new InvalidCursorError();
  }
  if (body.n !== shards) {
    throw new InvalidCursorError(`the channel's shard count changed from ${String(body.n)} to ${shards}`);
  }
  const shard = body.s;
  if (typeof shard !== 'number' || !Number.isInteger(shard) || shard < 0 || shard >= shards) {
    throw new InvalidCursorError();
  }
  if (body.k !== undefined && (typeof body.k !== 'string' || body.k.length === 0)) {
    throw new InvalidCursorError();
  }
  return body.k === undefined ? { shard } : { shard, after: body.k };
}
