import { describe, expect, it } from 'vitest';
import type { SuiteContext } from '../suite-context.js';

/** members() paging: every member exactly once across pages, limits. */
export function pagingGroup(ctx: SuiteContext): void {
  const { id, channel, sorted, allMembers } = ctx;
  describe('members paging', () => {
    const count = ctx.options.pagingMembers ?? 1200;

    it(`returns each of ${count} members exactly once across pages`, async () => {
      const ids = Array.from({ length: count }, (_, n) => id(n));
      for (let i = 0; i < ids.length; i += 100) {
        await Promise.all(
          ids.slice(i, i + 100).map((cid) => ctx.store.register(cid, { channels: [channel()] })),
        );
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await ctx.store.members(channel(), { limit: 100, ...(cursor ? { cursor } : {}) });
        expect(page.connectionIds.length).toBeLessThanOrEqual(100);
        seen.push(...page.connectionIds);
        cursor = page.cursor;
        if (cursor !== undefined) expect(typeof cursor).toBe('string');
        pages++;
      } while (cursor !== undefined && pages < count);
      expect(seen.length).toBe(count);
      expect(new Set(seen).size).toBe(count);
      expect(sorted(seen)).toEqual(sorted(ids));
      expect(pages).toBeGreaterThanOrEqual(Math.ceil(count / 100));
      expect(pages).toBeLessThanOrEqual(Math.ceil(count / 100) + 1);
    });

    it('allMembers streams every member with any page size', async () => {
      await Promise.all(
        Array.from({ length: 25 }, (_, n) => ctx.store.register(id(n), { channels: [channel()] })),
      );
      expect(sorted(await allMembers(channel(), 7))).toEqual(
        sorted(Array.from({ length: 25 }, (_, n) => id(n))),
      );
    });

    it('an unknown channel has no members and no cursor', async () => {
      expect(await ctx.store.members(channel('empty'))).toEqual({ connectionIds: [] });
    });

    it('rejects a limit out of range', async () => {
      await expect(ctx.store.members(channel(), { limit: 0 })).rejects.toThrow(RangeError);
      await expect(ctx.store.members(channel(), { limit: 1.5 })).rejects.toThrow(RangeError);
    });
  });
}
