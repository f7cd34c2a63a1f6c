/**
 * A history broadcast is appended to all its history channels or to none (issue 26 item 9): the
 * deadline is checked before any append, an append refused in one channel takes back the others,
 * and appends that land after the deadline cut the broadcast off are taken back when they land.
 * core README: a resume replays such a message only in "the milliseconds between an append and its
 * take-back", so what landed is taken back as soon as the broadcast gives up, not once a slow
 * append settles.
 */
import { DeadlineExceededError, type HistoryAppend, Messenger, StoreUnavailableError } from '@wsapp/core';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { describe, expect, it } from 'vitest';
import { readChannelHistory } from '../src/history/read-history.js';
import { silentLogger } from './helpers.js';

const ENDPOINT = 'http://127.0.0.1:9/prod';

/** A memory store whose appends can be held or refused per channel. */
class ScriptedStore extends MemoryConnectionStore {
  appends = 0;
  refuse = new Set<string>();
  hold: Promise<void> | undefined;
  /** Channels whose appends wait for their promise (a slow shard). */
  slow = new Map<string, Promise<void>>();
  override async appendHistory(channel: string, entry: HistoryAppend): Promise<number> {
    this.appends++;
    if (this.hold !== undefined) await this.hold;
    await this.slow.get(channel);
    if (this.refuse.has(channel)) throw new StoreUnavailableError(`refused ${channel}`);
    return super.appendHistory(channel, entry);
  }
}

async function fixture() {
  const store = new ScriptedStore();
  await store.register('c1=', { channels: ['room:a', 'room:b'] });
  const errors: unknown[][] = [];
  const messenger = new Messenger({
    store,
    endpoint: ENDPOINT,
    history: { channels: ['room:*'] },
    logger: { ...silentLogger(), error: (...args: unknown[]) => void errors.push(args) },
  });
  return { store, messenger, errors };
}

const rejection = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('history broadcast: all channels or none', () => {
  it('time left within deadlineMarginMs: DeadlineExceededError before any append (was StoreUnavailableError)', async () => {
    const { store, messenger } = await fixture();
    const lambdaContext = { awsRequestId: 'r1', getRemainingTimeInMillis: () => 800 }; // default margin 1,000 ms
    const error = await rejection(messenger.broadcast({ channels: ['room:a'] }, { n: 1 }, { lambdaContext }));
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(store.appends).toBe(0);
    expect((await store.readHistory('room:a')).headSeq).toBe(0);
    // The same with an explicit deadline in the past.
    const past = await rejection(
      messenger.broadcast({ channels: ['room:a'] }, { n: 1 }, { deadline: Date.now() - 1 }),
    );
    expect(past).toBeInstanceOf(DeadlineExceededError);
    expect(store.appends).toBe(0);
  });

  it('a broadcast to no history channel past its deadline appends nothing and does not throw for it', async () => {
    const { store, messenger } = await fixture();
    await store.register('c2=', { channels: ['plain'] });
    const report = await messenger.broadcast({ channels: ['plain'] }, { n: 1 }, { deadline: Date.now() - 1 });
    expect(store.appends).toBe(0);
    expect(report.delivered).toBe(0);
  });

  it("one channel's append refused: the other's is taken back (a marker, no message, no gap), the refusal is thrown", async () => {
    const { store, messenger, errors } = await fixture();
    store.refuse.add('room:b');
    const error = await rejection(messenger.broadcast({ channels: ['room:a', 'room:b'] }, { n: 1 }));
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toContain('refused room:b');
    const a = await store.readHistory('room:a');
    expect(a.entries.map((e) => [e.seq, e.payload, e.retracted])).toEqual([[1, '', true]]);
    expect(errors).toEqual([]);
    // What ctx.history / app.history answer: no entry, the marker still bounding oldestSeq.
    expect(await readChannelHistory(store, 'room:a')).toEqual({ entries: [], headSeq: 1, oldestSeq: 1 });
  });

  it('a store without retractHistory: the entry stays, and the messenger says so', async () => {
    const { store, messenger, errors } = await fixture();
    store.refuse.add('room:b');
    Object.defineProperty(store, 'retractHistory', { value: undefined });
    const error = await rejection(messenger.broadcast({ channels: ['room:a', 'room:b'] }, { n: 1 }));
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((await store.readHistory('room:a')).entries.map((e) => e.retracted)).toEqual([undefined]);
    expect(String(errors[0]?.[0])).toMatch(/could not take back its history appends/);
  });

  it('appends that land after the deadline cut the broadcast off are taken back when they land', async () => {
    const { store, messenger } = await fixture();
    let release: () => void = () => {};
    store.hold = new Promise<void>((resolve) => (release = resolve));
    const error = await rejection(
      messenger.broadcast({ channels: ['room:a', 'room:b'] }, { n: 1 }, { deadline: Date.now() + 50 }),
    );
    expect(error).toBeInstanceOf(StoreUnavailableError);
    release();
    for (let i = 0; i < 50; i++) {
      const pages = await Promise.all([store.readHistory('room:a'), store.readHistory('room:b')]);
      if (pages.every((p) => p.entries[0]?.retracted)) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    for (const channel of ['room:a', 'room:b']) {
      const page = await store.readHistory(channel);
      expect(page.entries.map((e) => [e.seq, e.retracted])).toEqual([[1, true]]);
    }
  });
  /** Resolves when `check` holds (polled every 10 ms), false after `ms`. */
  async function within(ms: number, check: () => Promise<boolean>): Promise<boolean> {
    for (const end = Date.now() + ms; Date.now() < end; ) {
      if (await check()) return true;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return check();
  }
  const retracted = async (store: ScriptedStore, channel: string) =>
    (await store.readHistory(channel)).entries.map((e) => [e.seq, e.retracted === true]);

  it('deadline while one append is slow: what landed is taken back at once, the slow one as it lands', async () => {
    const { store, messenger } = await fixture();
    let release: () => void = () => {};
    store.slow.set('room:b', new Promise<void>((resolve) => (release = resolve)));
    const error = await rejection(
      messenger.broadcast({ channels: ['room:a', 'room:b'] }, { n: 1 }, { deadline: Date.now() + 50 }),
    );
    expect(error).toBeInstanceOf(StoreUnavailableError);
    // room:b has not landed (it will not until released): room:a was taken back before the rejection.
    expect(await retracted(store, 'room:a')).toEqual([[1, true]]);
    expect(await store.readHistory('room:b')).toMatchObject({ headSeq: 0 });
    release();
    await within(500, async () => (await retracted(store, 'room:b'))[0]?.[1] === true);
    expect(await retracted(store, 'room:b')).toEqual([[1, true]]);
  });

  it('one append refused while another is slow: the broadcast rejects and takes back what landed at once', async () => {
    const { store, messenger } = await fixture();
    let release: () => void = () => {};
    store.slow.set('room:c', new Promise<void>((resolve) => (release = resolve)));
    store.refuse.add('room:b');
    const broadcast = messenger.broadcast({ channels: ['room:a', 'room:b', 'room:c'] }, { n: 1 });
    const settled = await Promise.race([
      rejection(broadcast),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 300)),
    ]);
    expect(settled).toBeInstanceOf(StoreUnavailableError);
    expect((settled as Error).message).toContain('refused room:b');
    expect(await retracted(store, 'room:a')).toEqual([[1, true]]);
    release();
    await within(500, async () => (await retracted(store, 'room:c'))[0]?.[1] === true);
    expect(await retracted(store, 'room:c')).toEqual([[1, true]]);
    await broadcast.catch(() => undefined);
  });
});
