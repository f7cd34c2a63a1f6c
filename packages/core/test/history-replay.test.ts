import { MemoryConnectionStore } from '@wsapp/store-memory';
import { describe, expect, it } from 'vitest';
import { historyPolicy } from '../src/history/history-options.js';
import { planReplayPage, type ReplayChannel, type ReplayPageOptions } from '../src/history/replay-page.js';
import { decodeBroadcastCursor, encodeBroadcastCursor } from '../src/messaging/broadcast-cursor.js';
import { type SeqRanges, unionRanges } from '../src/sessions/replay-wire.js';

const retention = { maxLength: 3000, ttlSeconds: 900 };

/** A memory store whose clock the test sets: appends from "Lambdas" with skewed clocks. */
function skewed() {
  let now = 1_000_000;
  const store = new MemoryConnectionStore({ clock: () => now });
  const append = (at: number, channel: string, messageId: string) => {
    now = at;
    return store.appendHistory(channel, { messageId, payload: JSON.stringify({ messageId }) }, retention);
  };
  return { store, append, now: () => now };
}

type Store = ReturnType<typeof skewed>['store'];

function options(store: Store, overrides: Partial<ReplayPageOptions> = {}): ReplayPageOptions {
  return {
    read: (channel, o) => store.readHistory(channel, o),
    maxLength: retention.maxLength,
    settleMs: 60_000,
    now: 2_000_000_000_000,
    window: 1000,
    concurrency: 4,
    fits: () => 'yes',
    ...overrides,
  };
}

const from0 = (...channels: string[]): ReplayChannel[] =>
  channels.map((channel) => ({ channel, start: 0, held: [] }));

/** Pages until done, holding what each page sent and covered, like a client; answers the ids in order. */
async function drain(store: Store, channels: ReplayChannel[], overrides: Partial<ReplayPageOptions> = {}) {
  const held = new Map(channels.map((c) => [c.channel, c.held]));
  const ids: string[] = [];
  for (let page = 0; page < 100; page++) {
    const current = channels.map((c) => ({ ...c, held: held.get(c.channel) ?? [] }));
    const plan = await planReplayPage(current, options(store, overrides));
    for (const m of plan.messages) ids.push(m.messageId);
    for (const o of plan.outcomes) held.set(o.channel, unionRanges(held.get(o.channel) ?? [], o.covered));
    if (plan.done) return { ids, pages: page + 1, held };
  }
  throw new Error('not done after 100 pages');
}

describe('replay pages', () => {
  it("keeps each channel's order even when a later entry carries an earlier time (clock skew)", async () => {
    const { store, append } = skewed();
    await append(1_000_000, 'a', 'm1');
    await append(999_000, 'a', 'm2'); // appended after m1 by a Lambda whose clock is 1 s behind
    await append(999_500, 'b', 'm3');
    const plan = await planReplayPage(from0('a', 'b'), options(store));
    const ids = plan.messages.map((m) => m.messageId);
    expect(ids.indexOf('m1')).toBeLessThan(ids.indexOf('m2'));
    expect([...ids].sort()).toEqual(['m1', 'm2', 'm3']);
    expect(plan.done).toBe(true);
  });

  it('sends a broadcast logged in two channels once, after what precedes it in both', async () => {
    const { store, append } = skewed();
    await append(1_000_000, 'a', 'a1');
    await append(1_000_001, 'b', 'b1');
    await append(1_000_002, 'b', 'b2');
    await append(1_000_003, 'a', 'both');
    await append(1_000_003, 'b', 'both');
    await append(1_000_004, 'a', 'a3');
    const plan = await planReplayPage(from0('a', 'b'), options(store));
    expect(plan.messages.map((m) => [m.messageId, m.seqs])).toEqual([
      ['a1', { a: 1 }],
      ['b1', { b: 1 }],
      ['b2', { b: 2 }],
      ['both', { a: 2, b: 3 }],
      ['a3', { a: 3 }],
    ]);
    expect(plan.outcomes).toEqual([
      { channel: 'a', covered: [1, 3] },
      { channel: 'b', covered: [1, 3] },
    ]);
  });

  it('replays a hole below what the client holds (the live send of 1 failed, 2 arrived), and only it', async () => {
    const { store, append } = skewed();
    for (const n of [1, 2, 3]) await append(1_000_000 + n, 'a', `m${n}`);
    const plan = await planReplayPage([{ channel: 'a', start: 0, held: [2, 2] }], options(store));
    expect(plan.messages.map((m) => m.messageId)).toEqual(['m1', 'm3']);
    expect(plan.done).toBe(true);
  });

  it('starts where the session joined: nothing from before its start', async () => {
    const { store, append } = skewed();
    for (const n of [1, 2, 3, 4]) await append(1_000_000 + n, 'b', `b${n}`);
    const plan = await planReplayPage([{ channel: 'b', start: 2, held: [] }], options(store));
    expect(plan.messages.map((m) => m.messageId)).toEqual(['b3', 'b4']);
  });

  it('pages a backlog larger than a window: every message once, in order', async () => {
    const { store, append } = skewed();
    for (let i = 1; i <= 2500; i++) await append(1_000_000 + i, 'a', `m${i}`);
    const { ids, pages } = await drain(store, [{ channel: 'a', start: 200, held: [] }]);
    expect(ids).toEqual(Array.from({ length: 2300 }, (_, i) => `m${i + 201}`));
    expect(pages).toBe(3);
  });

  it('a page stops where the body is full; the next goes on from what the client holds', async () => {
    const { store, append } = skewed();
    for (let i = 1; i <= 10; i++) await append(1_000_000 + i, 'a', `m${i}`);
    const fits: ReplayPageOptions['fits'] = (_m, accepted) => (accepted < 4 ? 'yes' : 'no');
    const { ids, pages } = await drain(store, from0('a'), { fits });
    expect(ids).toEqual(Array.from({ length: 10 }, (_, i) => `m${i + 1}`));
    expect(pages).toBe(3);
  });

  it('reads payloads only for what a page sends: 1,000 missed messages of 50 KB cost about one page, not 50 MB', async () => {
    const { store } = skewed();
    const big = JSON.stringify({ text: 'x'.repeat(50_000) });
    for (let n = 1; n <= 1000; n++)
      await store.appendHistory('a', { messageId: `m${n}`, payload: big }, retention);
    let bytes = 0;
    const read: ReplayPageOptions['read'] = async (channel, o) => {
      const page = await store.readHistory(channel, o);
      for (const e of page.entries) bytes += e.payload.length;
      return page;
    };
    let size = 0;
    const fits: ReplayPageOptions['fits'] = (m, accepted) => {
      size += m.payload.length;
      return size <= 96 * 1024 ? 'yes' : accepted === 0 ? 'alone' : 'no';
    };
    const plan = await planReplayPage(from0('a'), options(store, { read, fits }));
    expect(plan.messages).toHaveLength(1);
    expect(plan.done).toBe(false);
    expect(bytes).toBeLessThan(2 * 1024 * 1024); // 16 payloads read, not 1,000
  });

  it("a broadcast to two channels beyond one channel's window is not sent twice (the other is scanned)", async () => {
    const { store, append } = skewed();
    // Channel a: 1500 messages; the 1200th also went to b, after b's first.
    await append(999_000, 'b', 'b-first');
    for (let i = 1; i <= 1500; i++) {
      await append(1_000_000 + i, 'a', i === 1200 ? 'both' : `a${i}`);
      if (i === 1200) await append(1_000_000 + i, 'b', 'both');
    }
    await append(1_100_000, 'b', 'b-last');
    const { ids } = await drain(store, from0('a', 'b'));
    expect(ids.filter((id) => id === 'both')).toHaveLength(1);
    expect(ids).toHaveLength(1502);
    expect(new Set(ids).size).toBe(1502);
  });

  it('a start above the head (the log restarted) is a gap and a reset, and replays what the new log holds', async () => {
    const { store, append } = skewed();
    await append(1_000_000, 'a', 'm1');
    const plan = await planReplayPage([{ channel: 'a', start: 40, held: [38, 40] }], options(store));
    expect(plan.messages.map((m) => m.messageId)).toEqual(['m1']);
    expect(plan.outcomes).toEqual([
      {
        channel: 'a',
        covered: [1, 1],
        gap: { channel: 'a', since: 40, reason: 'reset' },
        reset: true,
        fix: 0,
      },
    ]);
  });

  it('an unknown start replays above what the client holds and reports a gap below it once (fix)', async () => {
    const { store, append } = skewed();
    for (const n of [1, 2, 3, 4, 5]) await append(1_000_000 + n, 'a', `m${n}`);
    const plan = await planReplayPage([{ channel: 'a', start: undefined, held: [3, 3] }], options(store));
    expect(plan.messages.map((m) => m.messageId)).toEqual(['m4', 'm5']);
    expect(plan.outcomes[0]).toMatchObject({
      fix: 2,
      gap: { channel: 'a', since: 0, oldestSeq: 3, reason: 'unknown-start' },
    });
  });

  it('trimmed entries are covered as a gap (reported once), the rest replayed', async () => {
    const { store } = skewed();
    for (let n = 1; n <= 8; n++)
      await store.appendHistory(
        'a',
        { messageId: `m${n}`, payload: '{}' },
        { maxLength: 3, ttlSeconds: 900 },
      );
    const plan = await planReplayPage(from0('a'), options(store, { maxLength: 3 }));
    expect(plan.messages.map((m) => m.messageId)).toEqual(['m6', 'm7', 'm8']);
    expect(plan.outcomes).toEqual([
      { channel: 'a', covered: [1, 8], gap: { channel: 'a', since: 0, oldestSeq: 6, reason: 'lost' } },
    ]);
  });

  it('a missing number just below a fresh entry is an append in flight: not covered, not a gap, yet done', async () => {
    const { store } = skewed();
    for (let n = 1; n <= 3; n++)
      await store.appendHistory(
        'a',
        { messageId: `m${n}`, payload: '{}' },
        { maxLength: 2, ttlSeconds: 900 },
      );
    // The store keeps 2 and 3; with maxLength 3 assumed, 1 is not trimmed for sure and 2 is fresh.
    const fresh = await planReplayPage(from0('a'), options(store, { maxLength: 3, now: 1_000_001 }));
    expect(fresh.outcomes).toEqual([{ channel: 'a', covered: [2, 3] }]);
    expect(fresh.done).toBe(true);
    const later = await planReplayPage(from0('a'), options(store, { maxLength: 3, now: 1_100_000 }));
    expect(later.outcomes[0]?.covered).toEqual([1, 3]);
    expect(later.outcomes[0]?.gap?.reason).toBe('lost');
  });

  it('a retracted entry (a broadcast that failed before sending) is covered without a message and without a gap', async () => {
    const { store, append } = skewed();
    for (const n of [1, 2, 3]) await append(1_000_000 + n, 'a', `m${n}`);
    await append(1_000_004, 'b', 'm3');
    await store.retractHistory('a', { seq: 2, messageId: 'm2' });
    // The retracted one was the whole log of b, and the head of a at the time.
    await store.retractHistory('b', { seq: 1, messageId: 'm3' });
    const plan = await planReplayPage(from0('a', 'b'), options(store));
    expect(plan.messages.map((m) => [m.messageId, m.seqs])).toEqual([
      ['m1', { a: 1 }],
      ['m3', { a: 3 }],
    ]);
    expect(plan.outcomes).toEqual([
      { channel: 'a', covered: [1, 3] },
      { channel: 'b', covered: [1, 1] },
    ]);
    expect(plan.done).toBe(true);
    // A client that got 1 and 3 live asks about the hole at 2: nothing to send, nothing lost.
    const hole = await planReplayPage([{ channel: 'a', start: 0, held: [1, 1, 3, 3] }], options(store));
    expect([hole.messages, hole.outcomes]).toEqual([[], [{ channel: 'a', covered: [2, 2] }]]);
  });

  it('channel names are data: __proto__ is a channel like any other', async () => {
    const { store, append } = skewed();
    await append(1_000_000, '__proto__', 'm1');
    const plan = await planReplayPage(from0('__proto__'), options(store));
    expect(Object.hasOwn(plan.messages[0]?.seqs ?? {}, '__proto__')).toBe(true);
    expect(plan.outcomes[0]?.channel).toBe('__proto__');
  });
});

describe('replay ranges', () => {
  it('merges touching and overlapping ranges', () => {
    const cases: Array<[SeqRanges, SeqRanges, SeqRanges]> = [
      [
        [1, 3],
        [4, 6],
        [1, 6],
      ],
      [
        [1, 3],
        [5, 6],
        [1, 3, 5, 6],
      ],
      [
        [5, 9],
        [1, 6],
        [1, 9],
      ],
      [[], [2, 2], [2, 2]],
    ];
    for (const [a, b, want] of cases) expect(unionRanges(a, b)).toEqual(want);
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
