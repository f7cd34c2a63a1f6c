import { MemoryConnectionStore } from '@wsapp/store-memory';
import { describe, expect, it } from 'vitest';
import { historyPolicy } from '../src/history/history-options.js';
import { planReplay } from '../src/history/replay.js';
import { decodeBroadcastCursor, encodeBroadcastCursor } from '../src/messaging/broadcast-cursor.js';

const retention = { maxLength: 2000, ttlSeconds: 900 };

/** A memory store whose clock the test sets: appends from "Lambdas" with skewed clocks. */
function skewed() {
  let now = 1_000_000;
  const store = new MemoryConnectionStore({ clock: () => now });
  const append = (at: number, channel: string, messageId: string) => {
    now = at;
    return store.appendHistory(channel, { messageId, payload: JSON.stringify({ messageId }) }, retention);
  };
  return { store, append };
}

describe('replay planning', () => {
  it("keeps each channel's order even when a later entry carries an earlier time (clock skew)", async () => {
    const { store, append } = skewed();
    await append(1_000_000, 'a', 'm1');
    await append(999_000, 'a', 'm2'); // appended after m1 by a Lambda whose clock is 1 s behind
    await append(999_500, 'b', 'm3');
    const plan = await planReplay(store, ['a', 'b'], { a: 0, b: 0 });
    const ids = plan.messages.map((m) => m.messageId);
    expect(ids.indexOf('m1')).toBeLessThan(ids.indexOf('m2'));
    expect(ids.sort()).toEqual(['m1', 'm2', 'm3']);
  });

  it('sends a broadcast logged in two channels once, after what precedes it in both', async () => {
    const { store, append } = skewed();
    await append(1_000_000, 'a', 'a1');
    await append(1_000_001, 'b', 'b1');
    await append(1_000_002, 'b', 'b2');
    await append(1_000_003, 'a', 'both');
    await append(1_000_003, 'b', 'both');
    await append(1_000_004, 'a', 'a3');
    const plan = await planReplay(store, ['a', 'b'], { a: 0, b: 0 });
    expect(plan.messages.map((m) => [m.messageId, m.seqs])).toEqual([
      ['a1', { a: 1 }],
      ['b1', { b: 1 }],
      ['b2', { b: 2 }],
      ['both', { a: 2, b: 3 }],
      ['a3', { a: 3 }],
    ]);
  });

  it('two broadcasts interleaved differently in two channels: each sent once, nothing lost', async () => {
    const { store, append } = skewed();
    await append(1_000_000, 'a', 'x');
    await append(1_000_001, 'a', 'y');
    await append(1_000_001, 'b', 'y');
    await append(1_000_002, 'b', 'x');
    const plan = await planReplay(store, ['a', 'b'], { a: 0, b: 0 });
    expect(plan.messages.map((m) => m.messageId)).toEqual(['x', 'y']);
    expect(plan.messages[0]?.seqs).toEqual({ a: 1, b: 2 });
  });

  it('reads past one page (more than 1000 missed entries), in order', async () => {
    const { store, append } = skewed();
    for (let i = 1; i <= 1500; i++) await append(1_000_000 + i, 'a', `m${i}`);
    const plan = await planReplay(store, ['a'], { a: 200 });
    expect(plan.messages).toHaveLength(1300);
    expect(plan.messages.map((m) => m.seqs.a)).toEqual(Array.from({ length: 1300 }, (_, i) => i + 201));
    expect(plan.gaps).toEqual([]);
  });

  it('a since above the head (the log restarted) is a gap and replays what the new log holds', async () => {
    const { store, append } = skewed();
    await append(1_000_000, 'a', 'm1');
    const plan = await planReplay(store, ['a'], { a: 40 });
    expect(plan.gaps).toEqual([{ channel: 'a', since: 40, oldestSeq: 1 }]);
    expect(plan.messages.map((m) => m.messageId)).toEqual(['m1']);
  });

  it('channel names are data: __proto__ is a channel like any other', async () => {
    const { store, append } = skewed();
    await append(1_000_000, '__proto__', 'm1');
    const since = JSON.parse('{"__proto__": 0}') as Record<string, number>;
    const plan = await planReplay(store, ['__proto__'], since);
    expect(Object.hasOwn(plan.heads, '__proto__')).toBe(true);
    expect(Object.hasOwn(plan.messages[0]?.seqs ?? {}, '__proto__')).toBe(true);
  });
});

describe('history policy', () => {
  it('matches exact names and prefixes ending in *', () => {
    const policy = historyPolicy({ channels: ['room:*', 'news'] }, undefined);
    expect(['room:a', 'room:', 'news'].map(policy.has)).toEqual([true, true, true]);
    expect(['room', 'news2', 'Room:a', 'xroom:a'].map(policy.has)).toEqual([false, false, false, false]);
    expect(historyPolicy({ channels: ['*'] }, undefined).has('anything')).toBe(true);
    expect(policy.retention).toEqual({ maxLength: 100, ttlSeconds: 900 });
  });

  it('refuses patterns with * elsewhere than at the end, and retention out of bounds', () => {
    expect(() => historyPolicy({ channels: ['a*b'] }, undefined)).toThrow(TypeError);
    expect(() => historyPolicy({ channels: [''] }, undefined)).toThrow(TypeError);
    expect(() => historyPolicy({ channels: 'room:*' as unknown as string[] }, undefined)).toThrow(TypeError);
    expect(() => historyPolicy({ channels: ['a'], maxLength: 0 }, undefined)).toThrow(RangeError);
    expect(() => historyPolicy({ channels: ['a'], ttlSeconds: 8 * 86400 }, undefined)).toThrow(RangeError);
  });
});

describe('broadcast cursor history field', () => {
  it('round-trips the seqs and leaves cursors without history byte-for-byte as before', () => {
    const position = { channel: 1, storeCursor: 'c', messageId: 'm', target: 't' };
    const plain = encodeBroadcastCursor(position);
    expect(JSON.parse(Buffer.from(plain.slice(3), 'base64url').toString())).toEqual([1, 'c', 'm', 't']);
    const withSeqs = encodeBroadcastCursor({ ...position, seqs: { 'room:a': 4 } });
    expect(decodeBroadcastCursor(withSeqs)).toEqual({ ...position, seqs: { 'room:a': 4 } });
  });

  it('refuses cursors with malformed seqs', () => {
    for (const seqs of [[1], { a: 0 }, { a: 1.5 }, { a: '1' }, 'x']) {
      const cursor = `b2.${Buffer.from(JSON.stringify([0, null, 'm', null, seqs])).toString('base64url')}`;
      expect(() => decodeBroadcastCursor(cursor)).toThrow(/not a broadcast cursor/);
    }
  });
});
