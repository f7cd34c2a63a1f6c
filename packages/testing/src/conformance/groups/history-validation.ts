import {
  HistoryNotSupportedError,
  type HistoryRetention,
  InvalidChannelError,
  MAX_HISTORY_LENGTH,
  MAX_HISTORY_READ,
  MAX_HISTORY_SCAN,
  MAX_HISTORY_TTL_SECONDS,
  MAX_PAYLOAD_BYTES,
} from '@wsapp/core';
import { describe, expect, it } from 'vitest';
import { historyOf, message } from '../history-store.js';
import type { SuiteContext } from '../suite-context.js';
import { wsappErrorOf } from '../wsapp-error-of.js';

/**
 * History arguments the contract refuses (bounds from `channel-history.ts`), refused before
 * anything is written; and, for a store declared without history, `HistoryNotSupportedError`.
 */
export function historyValidationGroup(ctx: SuiteContext): void {
  const { channel } = ctx;
  if (ctx.options.history === false) {
    describe('channel history (not kept)', () => {
      it('appendHistory and readHistory are absent or throw HistoryNotSupportedError', async () => {
        const { appendHistory, readHistory } = ctx.store;
        // Both left out, or both present and refusing: never one without the other.
        if (appendHistory === undefined) {
          expect(readHistory, 'readHistory without appendHistory').toBeUndefined();
          return;
        }
        expect(readHistory, 'appendHistory without readHistory').toBeDefined();
        await expect(appendHistory.call(ctx.store, channel(), message(1))).rejects.toSatisfy(
          wsappErrorOf(HistoryNotSupportedError),
        );
        await expect(readHistory!.call(ctx.store, channel())).rejects.toSatisfy(
          wsappErrorOf(HistoryNotSupportedError),
        );
      });
    });
    return;
  }
  describe('channel history validation', () => {
    const expectNothingWritten = async () => {
      expect(await historyOf(ctx.store).read(channel())).toEqual({ entries: [], headSeq: 0 });
      if (ctx.inspector?.historyEntries) expect(await ctx.inspector.historyEntries(channel())).toEqual([]);
    };

    it.each([
      ['empty', ''],
      ['a NUL byte', 'a\u0000b'],
      ['a lone surrogate', 'a\ud800'],
      ['over 512 bytes', 'x'.repeat(513)],
    ])('refuses a channel that is %s', async (_label, bad) => {
      const h = historyOf(ctx.store);
      await expect(h.append(bad, message(1))).rejects.toSatisfy(wsappErrorOf(InvalidChannelError));
      await expect(h.read(bad)).rejects.toSatisfy(wsappErrorOf(InvalidChannelError));
    });

    it.each([
      ['an empty messageId', { messageId: '', payload: '{}' }, RangeError],
      ['a messageId of 129 characters', { messageId: 'm'.repeat(129), payload: '{}' }, RangeError],
      ['a non-string messageId', { messageId: 7, payload: '{}' }, RangeError],
      ['a non-string payload', { messageId: 'm', payload: { n: 1 } }, TypeError],
      ['a payload over 128 KB', { messageId: 'm', payload: 'x'.repeat(MAX_PAYLOAD_BYTES + 1) }, RangeError],
      [
        'a multi-byte payload over 128 KB',
        { messageId: 'm', payload: 'é'.repeat(MAX_PAYLOAD_BYTES / 2 + 1) },
        RangeError,
      ],
      ['no entry', null, TypeError],
    ])('refuses %s and writes nothing', async (_label, entry, type) => {
      const h = historyOf(ctx.store);
      await expect(h.append(channel(), entry as never)).rejects.toBeInstanceOf(type);
      await expectNothingWritten();
    });

    it('accepts a messageId of 128 characters', async () => {
      const h = historyOf(ctx.store);
      expect(await h.append(channel(), { messageId: 'm'.repeat(128), payload: '{}' })).toBe(1);
    });

    const retentions: Array<[string, HistoryRetention]> = [
      ['maxLength 0', { maxLength: 0, ttlSeconds: 60 }],
      [`maxLength ${MAX_HISTORY_LENGTH + 1}`, { maxLength: MAX_HISTORY_LENGTH + 1, ttlSeconds: 60 }],
      ['maxLength 1.5', { maxLength: 1.5, ttlSeconds: 60 }],
      ['ttlSeconds 0', { maxLength: 10, ttlSeconds: 0 }],
      [
        `ttlSeconds ${MAX_HISTORY_TTL_SECONDS + 1}`,
        { maxLength: 10, ttlSeconds: MAX_HISTORY_TTL_SECONDS + 1 },
      ],
      ['ttlSeconds NaN', { maxLength: 10, ttlSeconds: Number.NaN }],
    ];
    it.each(retentions)('refuses a retention with %s and writes nothing', async (_label, retention) => {
      await expect(historyOf(ctx.store).append(channel(), message(1), retention)).rejects.toBeInstanceOf(
        RangeError,
      );
      await expectNothingWritten();
    });

    it('accepts the largest retention', async () => {
      const h = historyOf(ctx.store);
      const retention = { maxLength: MAX_HISTORY_LENGTH, ttlSeconds: MAX_HISTORY_TTL_SECONDS };
      expect(await h.append(channel(), message(1), retention)).toBe(1);
      ctx.clock.advance((MAX_HISTORY_TTL_SECONDS - 1) * 1000);
      expect((await h.read(channel())).entries.map((e) => e.seq)).toEqual([1]);
    });

    it.each([
      ['since -1', { since: -1 }],
      ['since 1.5', { since: 1.5 }],
      ['limit 0', { limit: 0 }],
      [`limit ${MAX_HISTORY_READ + 1}`, { limit: MAX_HISTORY_READ + 1 }],
      ['limit 2.5', { limit: 2.5 }],
      [`limit ${MAX_HISTORY_SCAN + 1} without payloads`, { limit: MAX_HISTORY_SCAN + 1, payloads: false }],
    ])('refuses a read with %s', async (_label, options) => {
      await expect(historyOf(ctx.store).read(channel(), options)).rejects.toBeInstanceOf(RangeError);
    });

    it('refuses payloads that is not a boolean', async () => {
      const options = { payloads: 'no' } as unknown as { payloads: boolean };
      await expect(historyOf(ctx.store).read(channel(), options)).rejects.toBeInstanceOf(TypeError);
    });

    it(`answers at most ${MAX_HISTORY_READ} entries by default`, async () => {
      const h = historyOf(ctx.store);
      const retention = { maxLength: MAX_HISTORY_READ + 5, ttlSeconds: 600 };
      // In rounds of 25 concurrent appends (order within a round does not matter here).
      for (let n = 0; n < MAX_HISTORY_READ + 5; n += 25) {
        const round = Array.from({ length: Math.min(25, MAX_HISTORY_READ + 5 - n) }, (_, k) => n + k);
        await Promise.all(
          round.map((k) => h.append(channel(), { messageId: `m${k}`, payload: '0' }, retention)),
        );
      }
      const page = await h.read(channel());
      expect(page.entries.length).toBe(MAX_HISTORY_READ);
      expect(page.entries.at(-1)?.seq).toBe(MAX_HISTORY_READ);
      expect(page.headSeq).toBe(MAX_HISTORY_READ + 5);
      // Without payloads a read scans the whole log at once: the same entries, payload ''.
      const scan = await h.read(channel(), { payloads: false });
      expect(scan.entries.length).toBe(MAX_HISTORY_READ + 5);
      expect(scan.entries.slice(0, MAX_HISTORY_READ)).toEqual(
        page.entries.map((e) => ({ ...e, payload: '' })),
      );
      expect(scan.headSeq).toBe(MAX_HISTORY_READ + 5);
      expect(scan.oldestSeq).toBe(1);
      const tail = await h.read(channel(), { since: MAX_HISTORY_READ + 2, payloads: false, limit: 2 });
      expect(tail.entries.map((e) => [e.seq, e.payload])).toEqual([
        [MAX_HISTORY_READ + 3, ''],
        [MAX_HISTORY_READ + 4, ''],
      ]);
    });
  });
}
