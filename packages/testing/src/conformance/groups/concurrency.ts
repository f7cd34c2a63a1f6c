import { describe, expect, it } from 'vitest';
import type { SuiteContext } from '../suite-context.js';

/** 100-way concurrent join/leave on one connection and on one channel. */
export function concurrencyGroup(ctx: SuiteContext): void {
  const { id, channel, sorted, allMembers } = ctx;
  describe('concurrency', () => {
    it('100 concurrent joins on one connection lose nothing', async () => {
      await ctx.store.register(id());
      const channels = Array.from({ length: 100 }, (_, n) => channel(n));
      await Promise.all(channels.map((ch) => ctx.store.join(id(), [ch])));
      expect(sorted((await ctx.store.get(id()))?.channels ?? [])).toEqual(sorted(channels));
      for (const ch of channels.slice(0, 5)) expect(await allMembers(ch)).toEqual([id()]);
    });

    it('100 concurrent leaves on one connection lose nothing', async () => {
      const channels = Array.from({ length: 100 }, (_, n) => channel(n));
      await ctx.store.register(id(), { channels });
      await Promise.all(channels.slice(0, 60).map((ch) => ctx.store.leave(id(), [ch])));
      expect(sorted((await ctx.store.get(id()))?.channels ?? [])).toEqual(sorted(channels.slice(60)));
      expect(await allMembers(channel(0))).toEqual([]);
    });

    it('100 connections joining and leaving one channel concurrently end exact', async () => {
      const ids = Array.from({ length: 100 }, (_, n) => id(n));
      await Promise.all(ids.map((cid) => ctx.store.register(cid)));
      await Promise.all(ids.map((cid) => ctx.store.join(cid, [channel()])));
      expect(sorted(await allMembers(channel()))).toEqual(sorted(ids));
      await Promise.all(
        ids.map((cid, n) =>
          n % 2 === 0 ? ctx.store.leave(cid, [channel()]) : ctx.store.join(cid, [channel('other')]),
        ),
      );
      expect(sorted(await allMembers(channel()))).toEqual(sorted(ids.filter((_, n) => n % 2 === 1)));
      expect((await allMembers(channel('other'))).length).toBe(50);
    });

    it('interleaved join and leave of different channels on one connection keep both', async () => {
      await ctx.store.register(id(), { channels: Array.from({ length: 50 }, (_, n) => channel(`old${n}`)) });
      await Promise.all([
        ...Array.from({ length: 50 }, (_, n) => ctx.store.leave(id(), [channel(`old${n}`)])),
        ...Array.from({ length: 50 }, (_, n) => ctx.store.join(id(), [channel(`new${n}`)])),
      ]);
      const channels = (await ctx.store.get(id()))?.channels ?? [];
      expect(sorted(channels)).toEqual(sorted(Array.from({ length: 50 }, (_, n) => channel(`new${n}`))));
    });
  });
}
