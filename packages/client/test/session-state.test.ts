import { describe, expect, it } from 'vitest';
import { channelIdOf, parseHave } from '../../core/src/sessions/replay-wire.js';
import { type ResumeReply, SessionState } from '../src/session.js';

// The client half of a session as a pure module (no socket): what to emit for each frame, what to
// hold while a resume is pending, what `have` to send. Expectations come from the wire protocol in
// the core README ("Sessions and history"): live frames `{ ...data, $mid, $seq }`, replayed ones
// add `$replay: true`; `have` names channels by the keyed id the server computes.

const KEY = 'k'.repeat(22);
const live = (mid: string, seq: Record<string, number>, text = mid) => ({ text, $mid: mid, $seq: seq });
const replayed = (mid: string, seq: Record<string, number>, text = mid) => ({
  ...live(mid, seq, text),
  $replay: true,
});
const reply = (overrides: Partial<ResumeReply> = {}): ResumeReply => ({
  token: 's1.fresh.mac',
  resumed: true,
  channels: ['room:a'],
  key: KEY,
  replay: true,
  ...overrides,
});
const texts = (frames: unknown[]) => frames.map((f) => (f as { text: string }).text);
/** What the server reads of `have`: channel name → held ranges. */
const serverView = (s: SessionState, channels: string[]) => {
  const have = parseHave(s.have());
  return Object.fromEntries(channels.map((c) => [c, have.get(channelIdOf(KEY, c))]));
};

describe('SessionState', () => {
  it('holds live frames during a replay, emits replayed ones as they come, and drops copies by seq', () => {
    const s = new SessionState();
    s.begin(reply(), s.mark());
    s.receive(live('m1', { 'room:a': 1 }));
    const held: unknown[] = [];
    expect(s.receive(live('m4', { 'room:a': 4 }), held)).toEqual([]);
    const page = s.apply({
      messages: [
        replayed('m2', { 'room:a': 2 }),
        replayed('m3', { 'room:a': 3 }),
        replayed('m4', { 'room:a': 4 }),
      ],
      covered: [['room:a', 2, 4]],
      done: true,
    });
    expect(texts(page)).toEqual(['m2', 'm3', 'm4']);
    expect(texts(held.filter((m) => s.admit(m)))).toEqual([]); // m4 came twice: once
    expect(s.receive(live('m4', { 'room:a': 4 }))).toEqual([]);
    expect(serverView(s, ['room:a'])).toEqual({ 'room:a': [1, 4] });
  });

  it('reports a hole below what it holds: message 1 lost live, 2 received', () => {
    const s = new SessionState();
    s.begin(reply(), s.mark());
    s.receive(live('m2', { 'room:a': 2 }));
    s.receive(live('m5', { 'room:a': 5 }));
    expect(serverView(s, ['room:a'])).toEqual({ 'room:a': [2, 2, 5, 5] });
    expect(
      texts(s.apply({ messages: [replayed('m1', { 'room:a': 1 })], covered: [['room:a', 1, 1]] })),
    ).toEqual(['m1']);
    expect(serverView(s, ['room:a'])).toEqual({ 'room:a': [1, 2, 5, 5] });
  });

  it('a message to several channels is one: a copy holding any of its seqs is dropped', () => {
    const s = new SessionState();
    s.begin(reply(), s.mark());
    expect(s.receive(live('m1', { 'room:a': 7, news: 3 }))).toHaveLength(1);
    // A replay names only the session's channels: fewer pairs, same message.
    expect(s.apply({ messages: [replayed('m1', { news: 3 })] })).toEqual([]);
    expect(s.receive(live('m2', { news: 4 }))).toHaveLength(1);
  });

  it('never holds or drops frames without $seq (plain pushes, connection-targeted sends, text)', () => {
    const s = new SessionState();
    const held: unknown[] = [];
    const push = { type: 'notice' };
    expect(s.receive(push, held)).toEqual([push]);
    expect(s.receive(push, held)).toEqual([push]);
    expect(s.receive('plain text', held)).toEqual(['plain text']);
    expect(held).toEqual([]);
  });

  it('a reset channel is forgotten before its new numbers are applied; dropped ids are forgotten', () => {
    const s = new SessionState();
    s.begin(reply({ channels: ['room:a', 'room:b'] }), s.mark());
    s.receive(live('m50', { 'room:a': 50 }));
    s.receive(live('b1', { 'room:b': 1 }));
    const emitted = s.apply({
      reset: ['room:a'],
      drop: [channelIdOf(KEY, 'room:b')],
      messages: [replayed('n1', { 'room:a': 1 })],
      covered: [['room:a', 1, 1]],
    });
    expect(texts(emitted)).toEqual(['n1']);
    expect(serverView(s, ['room:a', 'room:b'])).toEqual({ 'room:a': [1, 1], 'room:b': undefined });
  });

  it('a new session forgets everything; a complete channel list forgets channels not in it', () => {
    const s = new SessionState();
    s.begin(reply({ channels: ['a', 'b', 'c'] }), s.mark());
    for (const [n, channel] of ['a', 'b', 'c'].entries()) s.receive(live(`m${n}`, { [channel]: 1 }));
    const mark = s.mark();
    s.receive(live('late', { d: 1 })); // touched after the resume request went out: kept
    s.begin(reply({ channels: ['a'] }), mark);
    expect(Object.keys(s.heads()).sort()).toEqual(['a', 'd']);
    s.begin(reply({ channels: ['x'], channelCount: 5000 }), s.mark()); // a partial list prunes nothing
    expect(Object.keys(s.heads()).sort()).toEqual(['a', 'd']);
    s.begin(reply({ resumed: false, reason: 'expired' }), s.mark());
    expect(s.heads()).toEqual({});
  });

  it(`keeps have under API Gateway's 32 KB frame for 1,000 channels of 512-byte names, each named once`, () => {
    const s = new SessionState();
    const channels = Array.from({ length: 1000 }, (_, n) => `${n}:`.padEnd(512, 'x'));
    s.begin(reply({ channels }), s.mark());
    for (const [n, channel] of channels.entries()) {
      s.receive(live(`m${n}`, { [channel]: 1_000_000 + n }));
      s.receive(live(`o${n}`, { [channel]: 1_000_005 + n })); // a hole in each channel
    }
    const have = s.have();
    const frame = JSON.stringify({ action: 'resume', $rid: 'abcdef123', replay: { have } });
    expect(new TextEncoder().encode(frame).length).toBeLessThan(32 * 1024);
    const view = serverView(s, channels);
    // Every channel with at least its first range; extra ranges only while the budget lasts.
    for (const [n, channel] of channels.entries())
      expect(view[channel]?.slice(0, 2)).toEqual([1_000_000 + n, 1_000_000 + n]);
  });

  it('is bounded: at most 4,096 channels held, 1,000 live frames held (more call overflow)', () => {
    const s = new SessionState();
    s.begin(reply(), s.mark());
    for (let n = 0; n < 5000; n++) s.receive(live(`m${n}`, { [`ch${n}`]: 1 }));
    expect(Object.keys(s.heads())).toHaveLength(4096);
    const held: unknown[] = [];
    let overflow = 0;
    for (let n = 0; n < 1200; n++) s.receive(live(`l${n}`, { 'room:a': n + 1 }), held, () => overflow++);
    expect(held).toHaveLength(1000);
    expect(overflow).toBe(200);
  });

  it('asks for a sync when a channel has many holes', () => {
    const s = new SessionState();
    s.begin(reply(), s.mark());
    for (let n = 1; n <= 17; n++) s.receive(live(`m${n}`, { 'room:a': n * 2 }));
    expect(s.needsSync()).toBe(true);
    s.apply({ covered: [['room:a', 1, 34]] });
    expect(s.needsSync()).toBe(false);
  });

  it('past 256 ranges in a channel a live frame is not taken (the replay brings it): nothing held is forgotten, nothing comes twice', () => {
    const s = new SessionState();
    s.begin(reply(), s.mark());
    // 300 live frames with a hole before each (their live sends failed): 300 ranges wanted.
    const taken = [];
    for (let n = 1; n <= 300; n++) taken.push(...s.receive(live(`m${n}`, { 'room:a': n * 2 })));
    expect(taken).toHaveLength(256);
    expect(s.needsSync()).toBe(true);
    expect(s.takeRefused()).toBe(true);
    // Every range held is still named in `have` (the lowest were forgotten before, and replayed twice).
    const view = serverView(s, ['room:a'])['room:a'] as number[];
    expect(view).toHaveLength(512);
    expect(view.slice(0, 2)).toEqual([2, 2]);
    // A frame extending a held range is taken at the bound; a copy of a held one is dropped.
    expect(s.receive(live('m256b', { 'room:a': 513 }))).toHaveLength(1);
    expect(s.receive(live('m1', { 'room:a': 2 }))).toEqual([]);
    // The replay brings every missing number once, from the lowest up, merging as it goes.
    // (Held: the even numbers 2-512, and 513. The frames not taken come back with their own ids.)
    const missing = Array.from({ length: 600 }, (_, i) => i + 1).filter(
      (n) => n !== 513 && (n > 512 || n % 2 === 1),
    );
    const frames = missing.map((n) => replayed(n % 2 === 0 ? `m${n / 2}` : `r${n}`, { 'room:a': n }));
    const out = s.apply({ messages: frames, covered: [['room:a', 1, 600]], done: true });
    expect(out).toHaveLength(600 - 256 - 1);
    expect(new Set(texts(out)).size).toBe(out.length);
    expect(serverView(s, ['room:a'])).toEqual({ 'room:a': [1, 600] });
    expect(s.needsSync()).toBe(false);
  });

  it("asks for a replay (whose drop prunes them) once frames named over 2,048 channels, the session's channels not counted", () => {
    const s = new SessionState();
    s.begin(reply(), s.mark());
    s.receive(live('quiet', { 'room:a': 1 }));
    for (let n = 0; n < 2048; n++) s.receive(live(`m${n}`, { [`other${n}`]: 1 }));
    expect(s.needsSync()).toBe(false);
    s.receive(live('m2048', { other2048: 1 }));
    expect(s.needsSync()).toBe(true);
    const others = Array.from({ length: 2049 }, (_, n) => channelIdOf(KEY, `other${n}`));
    s.apply({ drop: others, done: true });
    expect(s.needsSync()).toBe(false);
    expect(s.heads()).toEqual({ 'room:a': 1 });
  });

  // client README, "Sessions": only the session's channels are replayed, so only their frames are
  // held back during a resume or left to the replay; a frame naming only other channels (a
  // broadcast to a history channel the session is not in) is emitted at once.
  it("during a resume, past 1,000 held, frames naming only channels not known as the session's are emitted at once", () => {
    const s = new SessionState();
    s.begin(reply(), s.mark());
    const held: unknown[] = [];
    let overflow = 0;
    const out = [];
    for (let n = 1; n <= 1100; n++)
      out.push(...s.receive(live(`n${n}`, { news: n }), held, () => overflow++));
    expect(held).toHaveLength(1000);
    expect(texts(out)).toEqual(Array.from({ length: 100 }, (_, i) => `n${1001 + i}`));
    expect(overflow).toBe(0);
    // One naming a channel of the session is dropped: the replay brings it.
    expect(s.receive(live('a1', { 'room:a': 1, news: 1101 }), held, () => overflow++)).toEqual([]);
    expect(overflow).toBe(1);
    expect(held.filter((m) => s.admit(m))).toHaveLength(1000);
  });

  it("a channel that is not the session's never makes a frame wait for a replay, however many holes it has", () => {
    const s = new SessionState();
    s.begin(reply(), s.mark());
    const out = [];
    for (let n = 1; n <= 400; n++) out.push(...s.receive(live(`n${n}`, { news: n * 2 })));
    expect(out).toHaveLength(400);
    expect(s.takeRefused()).toBe(false);
    expect(s.needsSync()).toBe(true); // the replay's drop forgets it
    s.have();
    s.apply({ drop: [channelIdOf(KEY, 'news')], done: true });
    expect(s.heads()).toEqual({});
  });

  it('frames naming 4,200 other channels push out no channel of the session, nor one not yet confirmed', () => {
    const s = new SessionState();
    s.begin(reply({ resumed: false, reason: 'none', channels: [] }), s.mark());
    for (let n = 1; n <= 5; n++) s.receive(live(`a${n}`, { 'room:a': n }));
    s.have();
    expect(s.apply({ done: true })).toEqual([]); // room:a is the session's: not dropped
    s.receive(live('b1', { 'room:b': 1 })); // joined on this connection, not confirmed yet
    const others = Object.fromEntries(Array.from({ length: 4200 }, (_, i) => [`x${i}`, 1]));
    expect(s.receive(live('big', { 'room:b': 2, ...others }))).toHaveLength(1);
    expect(s.needsSync()).toBe(true);
    const view = serverView(s, ['room:a', 'room:b']);
    expect(view).toEqual({ 'room:a': [1, 5], 'room:b': [1, 2] });
    expect(s.receive(live('a1', { 'room:a': 1 }))).toEqual([]);
    // The replay drops the others named in `have`, and confirms room:b.
    s.apply({ drop: Object.keys(others).map((c) => channelIdOf(KEY, c)), done: true });
    expect(Object.keys(s.heads()).sort()).toEqual(['room:a', 'room:b']);
    const held: unknown[] = [];
    expect(s.receive(live('b3', { 'room:b': 3 }), held)).toEqual([]);
    expect(held).toHaveLength(1);
  });

  it('stores the token in the storage, in memory by default', async () => {
    const kept: string[] = [];
    const s = new SessionState({
      storage: { get: () => kept.at(-1), set: (t) => void kept.push(t) },
      action: 'session.resume',
    });
    expect(s.action).toBe('session.resume');
    expect(s.token()).toBeUndefined();
    await s.keep('s1.fresh.mac');
    expect(kept).toEqual(['s1.fresh.mac']);
    const memory = new SessionState();
    expect(memory.action).toBe('resume');
    memory.keep('s1.a.b');
    memory.keep(undefined); // a reply without a token keeps the previous one
    expect(memory.token()).toBe('s1.a.b');
  });

  it('reads the storage until it holds a token, then presents its own whatever another tab stored', async () => {
    // client README, "Sessions": localStorage is shared by an origin's tabs; a second tab gets a
    // session of its own, so the first tab must keep presenting the token of its own session.
    let shared: string | undefined = 's1.tab1.mac';
    const storage = {
      get: () => shared,
      set: (t: string) => {
        shared = t;
      },
    };
    const reloaded = new SessionState({ storage });
    expect(reloaded.token()).toBe('s1.tab1.mac'); // a reload finds the stored token
    await reloaded.keep('s1.tab1-next.mac');
    shared = 's1.tab2.mac'; // another tab's fresh token
    expect(reloaded.token()).toBe('s1.tab1-next.mac');
    const later = new SessionState({ storage: { get: async () => shared, set: () => {} } });
    await expect(later.token()).resolves.toBe('s1.tab2.mac');
  });
});
