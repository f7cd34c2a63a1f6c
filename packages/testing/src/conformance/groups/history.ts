import { historyGap, MAX_PAYLOAD_BYTES } from '@wsapp/core';
import { describe, expect, it } from 'vitest';
import { historyOf, message } from '../history-store.js';
import type { SuiteContext } from '../suite-context.js';
import { HOSTILE_CHANNEL_NAMES } from './channel-names.js';

const LONG = { maxLength: 1000, ttlSeconds: 600 };

/**
 * Channel history (see `channel-history.ts` in `@wsapp/core`): sequence numbers from 1, order,
 * `since`/`limit`, the bound on entries (checked in the backend too), `headSeq`/`oldestSeq` and
 * the gap rule, 128 KB payloads and hostile channel names.
 */
export function historyGroup(ctx: SuiteContext): void {
  const { channel } = ctx;
  describe.skipIf(ctx.options.history === false)('channel history', () => {
    it('an unused channel has no entries, headSeq 0 and no oldestSeq; nothing was missed from 0', async () => {
      const page = await historyOf(ctx.store).read(channel());
      expect(page.entries).toEqual([]);
      expect(page.headSeq).toBe(0);
      expect(page.oldestSeq).toBeUndefined();
      expect(historyGap(page, 0)).toBe(false);
    });

    it('numbers entries 1, 2, 3 … per channel and answers them in order with their message, payload and time', async () => {
      const h = historyOf(ctx.store);
      const seqs: number[] = [];
      for (let n = 1; n <= 5; n++) {
        seqs.push(await h.append(channel(), message(n), LONG));
        ctx.clock.advance(1000);
      }
      expect(seqs).toEqual([1, 2, 3, 4, 5]);
      expect(await h.append(channel('other'), message('x'), LONG)).toBe(1);
      const page = await h.read(channel());
      const start = ctx.clock.now() - 5000;
      expect(page.entries).toEqual(
        [1, 2, 3, 4, 5].map((n) => ({ seq: n, ...message(n), at: start + (n - 1) * 1000 })),
      );
      expect(page.headSeq).toBe(5);
      expect(page.oldestSeq).toBe(1);
      expect(historyGap(page, 0)).toBe(false);
    });

    it('answers only entries after since, at most limit, from the oldest', async () => {
      const h = historyOf(ctx.store);
      for (let n = 1; n <= 8; n++) await h.append(channel(), message(n), LONG);
      const seqsOf = async (since?: number, limit?: number) => {
        const options = {
          ...(since === undefined ? {} : { since }),
          ...(limit === undefined ? {} : { limit }),
        };
        const page = await h.read(channel(), options);
        expect(page.headSeq).toBe(8);
        expect(page.oldestSeq).toBe(1);
        return page.entries.map((e) => e.seq);
      };
      expect(await seqsOf(3)).toEqual([4, 5, 6, 7, 8]);
      expect(await seqsOf(3, 2)).toEqual([4, 5]);
      expect(await seqsOf(undefined, 3)).toEqual([1, 2, 3]);
      expect(await seqsOf(8)).toEqual([]);
      expect(await seqsOf(100)).toEqual([]);
      expect(await seqsOf(7, 1000)).toEqual([8]);
    });

    it('pages through the whole log with since = the last seq read, each entry once', async () => {
      const h = historyOf(ctx.store);
      for (let n = 1; n <= 25; n++) await h.append(channel(), message(n), LONG);
      const read: number[] = [];
      let since = 0;
      for (let page = await h.read(channel(), { limit: 7 }); page.entries.length > 0; ) {
        read.push(...page.entries.map((e) => e.seq));
        since = page.entries.at(-1)!.seq;
        page = await h.read(channel(), { since, limit: 7 });
      }
      expect(read).toEqual(Array.from({ length: 25 }, (_, n) => n + 1));
    });

    it('keeps at most maxLength entries (the backend holds no more), the newest, and tells who missed some', async () => {
      const h = historyOf(ctx.store);
      const retention = { maxLength: 3, ttlSeconds: 600 };
      for (let n = 1; n <= 10; n++) await h.append(channel(), message(n), retention);
      const page = await h.read(channel());
      expect(page.entries.map((e) => e.seq)).toEqual([8, 9, 10]);
      expect(page.entries.map((e) => e.messageId)).toEqual(['m8', 'm9', 'm10']);
      expect(page.headSeq).toBe(10);
      expect(page.oldestSeq).toBe(8);
      // Saw up to 7: 8 is the next and still held. Saw up to 6: 7 is gone.
      expect(historyGap(page, 7)).toBe(false);
      expect(historyGap(page, 10)).toBe(false);
      expect(historyGap(page, 6)).toBe(true);
      expect(historyGap(page, 0)).toBe(true);
      if (ctx.inspector?.historyEntries) {
        const held = await ctx.inspector.historyEntries(channel());
        expect(held.length).toBeLessThanOrEqual(3);
        expect(held.map((e) => e.seq)).toEqual([8, 9, 10]);
      }
    });

    it('a smaller maxLength on a later append trims to it', async () => {
      const h = historyOf(ctx.store);
      for (let n = 1; n <= 6; n++) await h.append(channel(), message(n), LONG);
      await h.append(channel(), message(7), { maxLength: 2, ttlSeconds: 600 });
      const page = await h.read(channel());
      expect(page.entries.map((e) => e.seq)).toEqual([6, 7]);
      expect(page.oldestSeq).toBe(6);
      expect(page.headSeq).toBe(7);
    });

    it('maxLength 1 keeps only the newest entry', async () => {
      const h = historyOf(ctx.store);
      for (let n = 1; n <= 4; n++) await h.append(channel(), message(n), { maxLength: 1, ttlSeconds: 60 });
      const page = await h.read(channel());
      expect(page.entries.map((e) => e.seq)).toEqual([4]);
      expect([page.headSeq, page.oldestSeq]).toEqual([4, 4]);
      if (ctx.inspector?.historyEntries) {
        expect((await ctx.inspector.historyEntries(channel())).map((e) => e.seq)).toEqual([4]);
      }
    });

    it('appends with the default retention (100 entries) when none is given', async () => {
      const h = historyOf(ctx.store);
      for (let n = 1; n <= 102; n++) await h.append(channel(), message(n));
      const page = await h.read(channel());
      expect(page.entries.length).toBe(100);
      expect([page.oldestSeq, page.headSeq]).toEqual([3, 102]);
    });

    it(`round-trips a payload of ${MAX_PAYLOAD_BYTES} bytes and unicode exactly`, async () => {
      const h = historyOf(ctx.store);
      const big = JSON.stringify({ s: 'x'.repeat(MAX_PAYLOAD_BYTES - 8) });
      expect(Buffer.byteLength(big)).toBe(MAX_PAYLOAD_BYTES);
      const unicode = JSON.stringify({ s: '🚀 聊天室 e\u0301 \u0000 "quoted" \\ %s' });
      await h.append(channel(), { messageId: 'big', payload: big }, LONG);
      await h.append(channel(), { messageId: 'ü-🚀|#{x}', payload: unicode }, LONG);
      const page = await h.read(channel());
      expect(page.entries.map((e) => [e.messageId, e.payload])).toEqual([
        ['big', big],
        ['ü-🚀|#{x}', unicode],
      ]);
    });

    it('keeps the histories of separator, unicode and look-alike channel names apart', async () => {
      const h = historyOf(ctx.store);
      const chans = [...HOSTILE_CHANNEL_NAMES, 'a', 'ab'].map((n) => `${ctx.tag}${n}`);
      // Channel n gets n + 1 entries, so any collision changes some count.
      for (const [n, ch] of chans.entries()) {
        for (let k = 0; k <= n; k++) await h.append(ch, message(`${n}.${k}`), LONG);
      }
      for (const [n, ch] of chans.entries()) {
        const page = await h.read(ch);
        expect(page.headSeq, ch).toBe(n + 1);
        expect(
          page.entries.map((e) => e.messageId),
          ch,
        ).toEqual(Array.from({ length: n + 1 }, (_, k) => `m${n}.${k}`));
      }
    });
  });
}
