import { HISTORY_HEAD_GRACE_SECONDS, historyGap } from '@wsapp/core';
import { describe, expect, it } from 'vitest';
import { historyOf, message } from '../history-store.js';
import type { SuiteContext } from '../suite-context.js';

/**
 * History expiry with the test clock: an entry is never answered once `ttlSeconds` have passed,
 * whatever the backend's TTL lag; the head counter outlives its entries by
 * `HISTORY_HEAD_GRACE_SECONDS`, after which numbering restarts and old readers are told of a gap.
 */
export function historyExpiryGroup(ctx: SuiteContext): void {
  const { channel } = ctx;
  describe.skipIf(ctx.options.history === false)('channel history expiry', () => {
    it('never answers an entry older than its ttlSeconds; headSeq stays', async () => {
      const h = historyOf(ctx.store);
      const retention = { maxLength: 100, ttlSeconds: 60 };
      await h.append(channel(), message(1), retention);
      ctx.clock.advance(30_000);
      await h.append(channel(), message(2), retention);
      ctx.clock.advance(29_999);
      expect((await h.read(channel())).entries.map((e) => e.seq)).toEqual([1, 2]);
      ctx.clock.advance(1);
      const page = await h.read(channel());
      expect(page.entries.map((e) => e.seq)).toEqual([2]);
      expect([page.headSeq, page.oldestSeq]).toEqual([2, 2]);
      expect(historyGap(page, 0)).toBe(true);
      expect(historyGap(page, 1)).toBe(false);
      ctx.clock.advance(30_000);
      const empty = await h.read(channel());
      expect(empty.entries).toEqual([]);
      expect(empty.headSeq).toBe(2);
      expect(empty.oldestSeq).toBeUndefined();
      expect(historyGap(empty, 1)).toBe(true);
      expect(historyGap(empty, 2)).toBe(false);
    });

    it('numbering goes on after every entry expired (the head counter survives them)', async () => {
      const h = historyOf(ctx.store);
      const retention = { maxLength: 10, ttlSeconds: 5 };
      await h.append(channel(), message(1), retention);
      await h.append(channel(), message(2), retention);
      ctx.clock.advance(10_000);
      expect(await h.append(channel(), message(3), retention)).toBe(3);
      const page = await h.read(channel());
      expect(page.entries.map((e) => e.seq)).toEqual([3]);
      expect([page.headSeq, page.oldestSeq]).toEqual([3, 3]);
    });

    it('expiry follows each entry’s own ttlSeconds, also out of seq order', async () => {
      const h = historyOf(ctx.store);
      await h.append(channel(), message(1), { maxLength: 10, ttlSeconds: 100 });
      await h.append(channel(), message(2), { maxLength: 10, ttlSeconds: 10 });
      await h.append(channel(), message(3), { maxLength: 10, ttlSeconds: 100 });
      ctx.clock.advance(10_000);
      const page = await h.read(channel());
      expect(page.entries.map((e) => e.seq)).toEqual([1, 3]);
      expect([page.headSeq, page.oldestSeq]).toEqual([3, 1]);
      expect((await h.read(channel(), { since: 1, limit: 1 })).entries.map((e) => e.seq)).toEqual([3]);
    });

    it('an idle log goes whole after ttlSeconds + the head grace: numbering restarts and old readers see a gap', async () => {
      const h = historyOf(ctx.store);
      const retention = { maxLength: 10, ttlSeconds: 60 };
      for (let n = 1; n <= 3; n++) await h.append(channel(), message(n), retention);
      ctx.clock.advance((60 + HISTORY_HEAD_GRACE_SECONDS) * 1000 - 1);
      expect((await h.read(channel())).headSeq).toBe(3);
      ctx.clock.advance(1);
      const reset = await h.read(channel());
      expect(reset).toEqual({ entries: [], headSeq: 0 });
      // A reader that saw up to 3 before the reset missed what it can no longer get.
      expect(historyGap(reset, 3)).toBe(true);
      expect(await h.append(channel(), message('new'), retention)).toBe(1);
      const page = await h.read(channel());
      expect(page.entries.map((e) => e.messageId)).toEqual(['mnew']);
      expect([page.headSeq, page.oldestSeq]).toEqual([1, 1]);
    });

    it('the head counter lives as long as the longest-lived entry appended', async () => {
      const h = historyOf(ctx.store);
      await h.append(channel(), message(1), { maxLength: 10, ttlSeconds: 600 });
      await h.append(channel(), message(2), { maxLength: 10, ttlSeconds: 1 });
      ctx.clock.advance((1 + HISTORY_HEAD_GRACE_SECONDS) * 1000);
      expect(await h.append(channel(), message(3), { maxLength: 10, ttlSeconds: 1 })).toBe(3);
    });

    it('the backend drops what it holds by itself: every stored entry carries an expiry', async () => {
      if (!ctx.inspector?.historyEntries) return;
      const h = historyOf(ctx.store);
      await h.append(channel(), message(1), { maxLength: 10, ttlSeconds: 60 });
      await h.append(channel(), message(2), { maxLength: 10, ttlSeconds: 120 });
      const held = await ctx.inspector.historyEntries(channel());
      expect(held.map((e) => e.seq)).toEqual([1, 2]);
      // Backends may keep entries longer than their ttlSeconds (reads filter them), but not forever.
      const latest = Math.max(Date.now() / 1000, ctx.nowSeconds()) + 120 + 2;
      for (const item of held) {
        expect(item.expiresAt, `entry ${item.seq}`).toBeDefined();
        expect(item.expiresAt!, `entry ${item.seq}`).toBeLessThanOrEqual(latest);
      }
    });
  });
}
