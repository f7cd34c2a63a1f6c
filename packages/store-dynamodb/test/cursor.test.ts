import { InvalidCursorError } from '@wsapp/core';
import { describe, expect, it } from 'vitest';
import { shardResolver } from '../src/channel-shards.js';
import { decodeCursor, encodeCursor } from '../src/cursor.js';

describe('members cursor', () => {
  it('round-trips a shard and last key as base64url', () => {
    const cursor = encodeCursor('ticker#AMZN', 8, { shard: 3, after: 'abc+/=' });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, 'ticker#AMZN', 8)).toEqual({ shard: 3, after: 'abc+/=' });
    expect(decodeCursor(encodeCursor('x', 1, { shard: 0 }), 'x', 1)).toEqual({ shard: 0 });
  });

  it('rejects garbage, another channel, another shard count and out-of-range shards', () => {
    const cursor = encodeCursor('a', 4, { shard: 1 });
    expect(() => decodeCursor('garbage', 'a', 4)).toThrow(InvalidCursorError);
    expect(() => decodeCursor(cursor, 'b', 4)).toThrow(InvalidCursorError);
    expect(() => decodeCursor(cursor, 'a', 2)).toThrow(/shard count changed/);
    const bad = Buffer.from(JSON.stringify({ v: 1, h: 0xe40c292c, n: 4, s: 9 })).toString('base64url');
    expect(() => decodeCursor(bad, 'a', 4)).toThrow(InvalidCursorError);
  });
});

describe('channelShards', () => {
  it('resolves a number, a default and the longest matching prefix', () => {
    expect(shardResolver(undefined)('x')).toBe(1);
    expect(shardResolver(4)('x')).toBe(4);
    const shards = shardResolver({ default: 2, byPrefix: { 'ticker#': 8, 'ticker#AM': 16 } });
    expect(shards('room')).toBe(2);
    expect(shards('ticker#MSFT')).toBe(8);
    expect(shards('ticker#AMZN')).toBe(16);
  });

  it('rejects counts that are not integers from 1 to 1000', () => {
    expect(() => shardResolver(0)).toThrow(RangeError);
    expect(() => shardResolver(1.5)).toThrow(RangeError);
    expect(() => shardResolver({ byPrefix: { a: 1001 } })).toThrow(/byPrefix/);
  });
});
