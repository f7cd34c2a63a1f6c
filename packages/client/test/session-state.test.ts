import { describe, expect, it } from 'vitest';
import { type ResumeReply, SessionState } from '../src/session.js';

// The client half of a session as a pure module (no socket): what to emit for each frame, what to
// hold while a resume is pending, what `since` to send. Expectations come from the wire protocol
// in sessions-spec.md: live frames `{ ...data, $mid, $seq }`, replayed ones add `$replay: true`.

const live = (mid: string, seq: Record<string, number>, text = mid) => ({ text, $mid: mid, $seq: seq });
const replayed = (mid: string, seq: Record<string, number>, text = mid) => ({
  ...live(mid, seq, text),
  $replay: true,
});
const reply = (overrides: Partial<ResumeReply> = {}): ResumeReply => ({
  token: 's1.fresh.mac',
  resumed: true,
  channels: ['room:a'],
  heads: {},
  gaps: [],
  ...overrides,
});
const texts = (frames: unknown[]) => frames.map((f) => (f as { text: string }).text);

describe('SessionState', () => {
  it('emits replayed frames as they come, holds live ones until the reply, then emits those', () => {
    const s = new SessionState();
    s.receive(live('m1', { 'room:a': 1 }));
    s.receive(live('m2', { 'room:a': 2 }));
    expect(s.since()).toEqual({ 'room:a': 2 });

    // A new connection resumes with since {room:a: 2}: m5 arrives live before the replay of m3, m4.
    const held: unknown[] = [];
    const emitted = [
      ...s.receive(live('m5', { 'room:a': 5 }), held),
      ...s.receive(replayed('m3', { 'room:a': 3 }), held),
      ...s.receive(replayed('m4', { 'room:a': 4 }), held),
    ];
    expect(texts(emitted)).toEqual(['m3', 'm4']);
    expect(texts(held)).toEqual(['m5']);
    const { release } = s.settle(reply({ heads: { 'room:a': 4 } }), held);
    expect(texts(release)).toEqual(['m5']);
    expect(held).toEqual([]);
    expect(s.since()).toEqual({ 'room:a': 5 });
  });

  it('drops a live frame that was also replayed, and one sent to both connections of a replacement', () => {
    const s = new SessionState();
    s.receive(live('m1', { 'room:a': 1 }));
    const held: unknown[] = [];
    // m2 was appended before the history read (so it is replayed) but sent live after the
    // connection registered: it arrives twice on the new connection.
    s.receive(live('m2', { 'room:a': 2 }), held);
    const emitted = s.receive(replayed('m2', { 'room:a': 2 }), held);
    // The old connection (still open during make-before-break) delivers m3; the new one too.
    const old = s.receive(live('m3', { 'room:a': 3 }));
    s.receive(live('m3', { 'room:a': 3 }), held);
    const { release } = s.settle(reply({ heads: { 'room:a': 2 } }), held);
    expect(texts([...emitted, ...old, ...release])).toEqual(['m2', 'm3']);
    expect(s.receive(live('m3', { 'room:a': 3 }))).toEqual([]); // and any later copy
  });

  it('keeps the last seen seq of every channel of a multi-channel frame', () => {
    const s = new SessionState();
    s.receive(live('m1', { 'room:a': 7, news: 3 }));
    s.receive(live('m2', { news: 4 }));
    expect(s.since()).toEqual({ 'room:a': 7, news: 4 });
    // The same broadcast to both channels is one message: its copy is dropped once seen.
    expect(s.receive(live('m1', { 'room:a': 7, news: 3 }))).toEqual([]);
  });

  it('never holds or drops frames without $seq (plain pushes, connection-targeted sends, text)', () => {
    const s = new SessionState();
    const held: unknown[] = [];
    const push = { type: 'notice' };
    expect(s.receive(push, held)).toEqual([push]);
    expect(s.receive(push, held)).toEqual([push]);
    expect(s.receive('plain text', held)).toEqual(['plain text']);
    expect(held).toEqual([]);
    expect(s.since()).toEqual({});
  });

  it('a history channel is known up to its head after the reply, also when the log restarted lower', () => {
    const s = new SessionState();
    s.receive(live('m1', { 'room:a': 50 }));
    // room:b was joined on the server side (not seen yet); room:a's log expired and restarted at 1.
    const { event } = s.settle(reply({ heads: { 'room:a': 2, 'room:b': 9 } }), []);
    expect(s.since()).toEqual({ 'room:a': 2, 'room:b': 9 });
    expect(event).toEqual({
      resumed: true,
      channels: ['room:a'],
      heads: { 'room:a': 2, 'room:b': 9 },
      gaps: [],
    });
    // The restarted log's next message is new although its seq is below what was seen before.
    expect(texts(s.receive(live('m9', { 'room:a': 3 })))).toEqual(['m9']);
  });

  it('live frames whose seq is not above the head are still emitted when first seen', () => {
    // A live frame appended before the history read but sent after the reply, on a channel the
    // resume did not replay (it was not in since): it is new to this client, not a duplicate.
    const s = new SessionState();
    s.settle(reply({ heads: { 'room:a': 10 } }), []);
    expect(texts(s.receive(live('m10', { 'room:a': 10 })))).toEqual(['m10']);
  });

  it('answers the event without the token, with gaps, and stores the token in the storage', async () => {
    const kept: string[] = [];
    const s = new SessionState({
      storage: { get: () => kept.at(-1), set: (t) => void kept.push(t) },
      action: 'session.resume',
    });
    expect(s.action).toBe('session.resume');
    expect(s.token()).toBeUndefined();
    const gaps = [{ channel: 'room:a', since: 3, oldestSeq: 40 }];
    const r = reply({ resumed: false, reason: 'expired', gaps });
    const { event } = s.settle(r, []);
    expect(event).toEqual({ resumed: false, reason: 'expired', channels: ['room:a'], heads: {}, gaps });
    expect(event).not.toHaveProperty('token');
    await s.keep(r.token);
    expect(s.token()).toBe('s1.fresh.mac');
    expect(kept).toEqual(['s1.fresh.mac']);
  });

  it('keeps the token in memory by default', () => {
    const s = new SessionState();
    expect(s.action).toBe('resume');
    expect(s.token()).toBeUndefined();
    s.keep('s1.a.b');
    expect(s.token()).toBe('s1.a.b');
    s.keep(undefined); // a reply without a token keeps the previous one
    expect(s.token()).toBe('s1.a.b');
  });

  it('remembers a bounded number of message ids', () => {
    const s = new SessionState();
    for (let n = 1; n <= 1001; n++) s.receive(live(`m${n}`, { 'room:a': n }));
    // The oldest id was forgotten (1000 kept): a copy of it would be emitted again, a recent one not.
    expect(s.receive(live('m1', { 'room:a': 1 }))).toHaveLength(1);
    expect(s.receive(live('m1001', { 'room:a': 1001 }))).toEqual([]);
  });
});
