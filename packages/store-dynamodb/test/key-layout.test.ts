import {
  connectionPartitionKey,
  decodePartitionKey,
  fnv1a,
  historyPartitionKey,
  membershipPartitionKey,
  sessionPartitionKey,
  shardOf,
} from '@wsapp/store-dynamodb';
import { describe, expect, it } from 'vitest';

// Names chosen to look like keys, shard prefixes and separators of the layout itself.
const tricky = [
  'a',
  'a#1',
  '1#a',
  '1',
  '#',
  '##',
  'a#',
  '#a',
  'ch#a',
  'sh#1#a',
  'c#x',
  'h#a',
  'hs#a',
  'c',
  '0#',
  '01#a',
  'a:b',
  '{a}',
  'a|b',
  '🚀#1',
  '聊天室',
  'e\u0301',
  'é',
];

describe('key layout', () => {
  it('never maps two different (channel, shard) pairs or connection ids to one partition key', () => {
    const owners = new Map<string, string>();
    const claim = (pk: string, owner: string) => {
      const previous = owners.get(pk);
      expect(previous === undefined || previous === owner, `${pk}: ${previous} vs ${owner}`).toBe(true);
      owners.set(pk, owner);
    };
    for (const name of tricky) {
      claim(connectionPartitionKey(name), `connection ${name}`);
      claim(membershipPartitionKey(name, 0, 1), `channel ${name}, unsharded`);
      claim(historyPartitionKey(name), `history of ${name}`);
      claim(sessionPartitionKey(name), `session ${name}`);
      for (const shards of [2, 3, 8, 10, 11]) {
        for (let shard = 0; shard < shards; shard++) {
          claim(membershipPartitionKey(name, shard, shards), `channel ${name}, shard ${shard}`);
        }
      }
    }
    // Shard counts differ per channel, but a shard index means the same key whatever the count.
    expect(owners.size).toBe(tricky.length * (4 + 11));
  });

  it('channel "a#1" in shard 1 and channel "a" in shard 1 (and "1#a") get different keys', () => {
    const keys = new Set([
      membershipPartitionKey('a#1', 1, 4),
      membershipPartitionKey('a', 1, 4),
      membershipPartitionKey('1#a', 1, 4),
      membershipPartitionKey('1#a', 0, 1),
      membershipPartitionKey('sh#1#a', 0, 1),
      membershipPartitionKey('a', 0, 1),
    ]);
    expect(keys.size).toBe(6);
  });

  it('decodes every key it encodes back to its parts', () => {
    for (const name of tricky) {
      expect(decodePartitionKey(connectionPartitionKey(name))).toEqual({
        kind: 'connection',
        connectionId: name,
      });
      expect(decodePartitionKey(membershipPartitionKey(name, 0, 1))).toEqual({
        kind: 'membership',
        channel: name,
        shard: undefined,
      });
      expect(decodePartitionKey(membershipPartitionKey(name, 7, 8))).toEqual({
        kind: 'membership',
        channel: name,
        shard: 7,
      });
      expect(decodePartitionKey(historyPartitionKey(name))).toEqual({ kind: 'history', channel: name });
      expect(decodePartitionKey(sessionPartitionKey(name))).toEqual({ kind: 'session', sessionId: name });
    }
    expect(decodePartitionKey('x#y')).toBeUndefined();
    expect(decodePartitionKey('sh#01#a')).toBeUndefined();
  });

  it('FNV-1a is the standard 32-bit hash and shards spread evenly', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
    const counts = new Array(8).fill(0) as number[];
    for (let n = 0; n < 8000; n++) counts[shardOf(`L0SM${n}cOFvHcCIhw=`, 8)]! += 1;
    for (const count of counts) expect(count).toBeGreaterThan(800);
    expect(shardOf('anything', 1)).toBe(0);
  });
});
