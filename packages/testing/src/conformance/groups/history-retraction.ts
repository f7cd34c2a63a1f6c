import {
  type ConnectionStore,
  type HistoryRetraction,
  historyGap,
  Messenger,
  StoreUnavailableError,
} from '@wsapp/core';
import { describe, expect, it } from 'vitest';
import { historyOf, message } from '../history-store.js';
import type { SuiteContext } from '../suite-context.js';

const LONG = { maxLength: 100, ttlSeconds: 600 };

/** The store's `retractHistory`, bound; throws when the store leaves it out. */
function retractOf(
  store: ConnectionStore,
): (channel: string, retraction: HistoryRetraction) => Promise<boolean> {
  const retract = store.retractHistory;
  if (retract === undefined)
    throw new Error('the store has no retractHistory; pass `historyRetraction: false`');
  return (channel, retraction) => retract.call(store, channel, retraction);
}

/**
 * Taking back an appended entry (`retractHistory`, see `channel-history.ts` in `@wsapp/core`): a
 * failed broadcast's appends become "nothing here" markers that keep their number (never reused),
 * count as held for `oldestSeq` (no false gap), carry no payload, and are written only while the
 * entry is still the one appended; and a broadcast whose second append fails leaves no message in
 * the first channel's log.
 */
export function historyRetractionGroup(ctx: SuiteContext): void {
  const { channel } = ctx;
  const skip = ctx.options.history === false || ctx.options.historyRetraction === false;
  describe.skipIf(skip)('channel history retraction', () => {
    it('replaces the head by a marker: no payload, same seq and time, headSeq kept, no gap, the next append takes the next number', async () => {
      const h = historyOf(ctx.store);
      const retract = retractOf(ctx.store);
      const at = ctx.clock.now();
      expect(await h.append(channel(), message(1), LONG)).toBe(1);
      expect(await h.append(channel(), message(2), LONG)).toBe(2);
      expect(await retract(channel(), { seq: 2, messageId: 'm2' })).toBe(true);
      const page = await h.read(channel());
      expect(page.entries).toEqual([
        { seq: 1, ...message(1), at },
        { seq: 2, messageId: 'm2', payload: '', at, retracted: true },
      ]);
      expect([page.headSeq, page.oldestSeq]).toEqual([2, 1]);
      expect(historyGap(page, 1)).toBe(false);
      const scan = await h.read(channel(), { payloads: false });
      expect(scan.entries.map((e) => [e.seq, e.retracted === true])).toEqual([
        [1, false],
        [2, true],
      ]);
      expect(await h.append(channel(), message(3), LONG)).toBe(3);
      expect((await h.read(channel(), { since: 1 })).entries.map((e) => e.seq)).toEqual([2, 3]);
    });

    it('a retracted only entry still counts as held: a reader from 0 sees no gap', async () => {
      const h = historyOf(ctx.store);
      await h.append(channel(), message(1), LONG);
      expect(await retractOf(ctx.store)(channel(), { seq: 1, messageId: 'm1' })).toBe(true);
      const page = await h.read(channel());
      expect(page.entries.map((e) => [e.seq, e.retracted])).toEqual([[1, true]]);
      expect([page.headSeq, page.oldestSeq]).toEqual([1, 1]);
      expect(historyGap(page, 0)).toBe(false);
    });

    it('a marker between entries keeps the order, and since/limit count it like an entry', async () => {
      const h = historyOf(ctx.store);
      for (let n = 1; n <= 4; n++) await h.append(channel(), message(n), LONG);
      expect(await retractOf(ctx.store)(channel(), { seq: 2, messageId: 'm2' })).toBe(true);
      const seqs = async (since: number, limit?: number) =>
        (await h.read(channel(), { since, ...(limit === undefined ? {} : { limit }) })).entries.map((e) =>
          e.retracted ? `${e.seq}x` : `${e.seq}`,
        );
      expect(await seqs(0)).toEqual(['1', '2x', '3', '4']);
      expect(await seqs(0, 2)).toEqual(['1', '2x']);
      expect(await seqs(1, 1)).toEqual(['2x']);
      expect(await seqs(2)).toEqual(['3', '4']);
    });

    it('writes nothing unless the entry is still the one appended: another message, twice, an unknown seq, an unused channel', async () => {
      const h = historyOf(ctx.store);
      const retract = retractOf(ctx.store);
      await h.append(channel(), message(1), LONG);
      expect(await retract(channel(), { seq: 1, messageId: 'other' })).toBe(false);
      expect(await retract(channel(), { seq: 2, messageId: 'm1' })).toBe(false);
      expect((await h.read(channel())).entries).toEqual([{ seq: 1, ...message(1), at: ctx.clock.now() }]);
      expect(await retract(channel(), { seq: 1, messageId: 'm1' })).toBe(true);
      expect(await retract(channel(), { seq: 1, messageId: 'm1' })).toBe(false);
      expect(await retract(channel('unused'), { seq: 1, messageId: 'm1' })).toBe(false);
      const unused = await h.read(channel('unused'));
      expect([unused.entries, unused.headSeq, unused.oldestSeq]).toEqual([[], 0, undefined]);
      expect(await h.append(channel('unused'), message(1), LONG)).toBe(1);
    });

    it('the marker goes no later than its entry would have: trimmed by maxLength (it counts toward it), expired by ttlSeconds', async () => {
      const h = historyOf(ctx.store);
      const retract = retractOf(ctx.store);
      const short = { maxLength: 3, ttlSeconds: 60 };
      await h.append(channel(), message(1), short);
      await retract(channel(), { seq: 1, messageId: 'm1' });
      for (let n = 2; n <= 4; n++) await h.append(channel(), message(n), short);
      const trimmed = await h.read(channel());
      expect(trimmed.entries.map((e) => e.seq)).toEqual([2, 3, 4]);
      expect(historyGap(trimmed, 0)).toBe(true);
      // The log is the last maxLength numbers, a marker included: no entry older than them is kept.
      for (let n = 1; n <= 3; n++) await h.append(channel('w'), message(n), short);
      await retract(channel('w'), { seq: 3, messageId: 'm3' });
      await h.append(channel('w'), message(4), short);
      const window = await h.read(channel('w'));
      expect(window.entries.map((e) => (e.retracted ? `${e.seq}x` : `${e.seq}`))).toEqual(['2', '3x', '4']);
      expect(window.oldestSeq).toBe(2);

      await h.append(channel('b'), message(1), short);
      await retract(channel('b'), { seq: 1, messageId: 'm1' });
      ctx.clock.advance(60_000);
      const expired = await h.read(channel('b'));
      expect([expired.entries, expired.headSeq, expired.oldestSeq]).toEqual([[], 1, undefined]);
      // An expired entry is not retracted (nothing written).
      await h.append(channel('c'), message(1), short);
      ctx.clock.advance(60_000);
      expect(await retract(channel('c'), { seq: 1, messageId: 'm1' })).toBe(false);
    });

    it('a broadcast whose second history append fails rejects with that error, sends nothing and leaves no message in the first log; the channel goes on without a gap', async () => {
      const h = historyOf(ctx.store);
      const [a, b] = [channel('a'), channel('b')];
      await ctx.store.register(ctx.id(1), { channels: [a, b] });
      await h.append(a, message('before'), LONG);
      const real = ctx.store;
      // The second channel's append fails once the first one has landed (a store failure between them).
      let firstLanded: () => void = () => {};
      const landed = new Promise<void>((resolve) => (firstLanded = resolve));
      const failing = new Proxy(real, {
        get(target, property) {
          const value = Reflect.get(target, property, target) as unknown;
          if (property === 'appendHistory') {
            return async (...args: Parameters<NonNullable<ConnectionStore['appendHistory']>>) => {
              if (args[0] === b) {
                await landed;
                throw new StoreUnavailableError('refused by the test (second channel)');
              }
              const seq = await (value as NonNullable<ConnectionStore['appendHistory']>).apply(target, args);
              if (args[0] === a) firstLanded();
              return seq;
            };
          }
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
      // Nothing may reach the endpoint (port 9 discards): the broadcast must fail before sending.
      const messenger = new Messenger({
        store: failing,
        endpoint: 'http://127.0.0.1:9/prod',
        history: { channels: [a, b], ...LONG },
        logger: { error: () => {}, warn: () => {} },
      });
      const error = await messenger.broadcast({ channels: [a, b] }, { text: 'never sent' }).then(
        (report) => report,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StoreUnavailableError);
      const page = await h.read(a);
      expect(page.entries.filter((e) => !e.retracted).map((e) => e.messageId)).toEqual(['mbefore']);
      expect(page.entries.every((e) => e.retracted || !e.payload.includes('never sent'))).toBe(true);
      expect([historyGap(page, 0), historyGap(page, 1)]).toEqual([false, false]);
      expect(await h.append(a, message('after'), LONG)).toBe(3);
      expect((await h.read(b)).headSeq).toBe(0);
    });
  });
}
