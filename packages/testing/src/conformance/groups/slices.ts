import { randomBytes } from 'node:crypto';
import type { ConnectionStore } from '@wsapp/core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SuiteContext } from '../suite-context.js';

/** Ids shaped like API Gateway's (16 base64 characters), so every slice boundary scheme is exercised. */
const gatewayId = () => randomBytes(12).toString('base64').slice(0, 15) + '=';

type Sliceable = ConnectionStore & Required<Pick<ConnectionStore, 'memberSlices'>>;

/** Lists one slice to its end, `limit` per page; answers every id in page order. */
async function listSlice(store: ConnectionStore, channel: string, slice: string, limit: number) {
  const ids: string[] = [];
  let cursor: string | undefined = slice;
  for (let pages = 0; cursor !== undefined; pages++) {
    if (pages > 10_000) throw new Error('slice listing does not end');
    const page = await store.members(channel, { limit, cursor });
    expect(page.connectionIds.length).toBeLessThanOrEqual(limit);
    ids.push(...page.connectionIds);
    cursor = page.cursor;
  }
  return ids;
}

/**
 * The `memberSlices()` conformance cases: slices are disjoint and complete (also listed in
 * parallel, also under churn: joiners may be missed, never listed twice), expired members stay
 * out, the count is validated, and the backdoor agrees with the union. Skipped for stores without
 * `memberSlices`. Takes the suite's context like every group, so a split suite can run it alone.
 */
export function memberSlicesGroup(ctx: SuiteContext): void {
  describe('member slices', () => {
    let store: Sliceable;
    let channel: string;

    beforeEach((context) => {
      if (typeof ctx.store.memberSlices !== 'function') context.skip();
      store = ctx.store as Sliceable;
      channel = ctx.channel('slices');
    });

    const registerMany = async (ids: string[], ch = channel, ttlSeconds?: number) => {
      for (let i = 0; i < ids.length; i += 50) {
        await Promise.all(
          ids
            .slice(i, i + 50)
            .map((cid) => store.register(cid, { channels: [ch], ...(ttlSeconds ? { ttlSeconds } : {}) })),
        );
      }
    };

    it.each([1, 2, 3, 8, 40])('%i slice(s): every member in exactly one slice', async (count) => {
      const ids = Array.from({ length: 240 }, gatewayId);
      await registerMany(ids);
      const slices = await store.memberSlices(channel, count);
      expect(slices.length).toBeGreaterThanOrEqual(1);
      expect(slices.length).toBeLessThanOrEqual(count);
      const lists = [];
      for (const slice of slices) {
        expect(typeof slice).toBe('string');
        lists.push(await listSlice(store, channel, slice, 7));
      }
      const union = lists.flat();
      expect(union.length).toBe(ids.length);
      expect(new Set(union).size).toBe(ids.length);
      expect([...union].sort()).toEqual([...ids].sort());
      if (count >= 2) expect(lists.filter((list) => list.length > 0).length).toBeGreaterThanOrEqual(2);
      if (ctx.inspector) {
        const raw = (await ctx.inspector.channelMembers(channel)).map((m) => m.connectionId);
        expect([...raw].sort()).toEqual([...union].sort());
      }
    });

    it('slices listed in parallel give the same union', async () => {
      const ids = Array.from({ length: 150 }, gatewayId);
      await registerMany(ids);
      const slices = await store.memberSlices(channel, 6);
      const lists = await Promise.all(slices.map((slice) => listSlice(store, channel, slice, 5)));
      const union = lists.flat();
      expect(union.length).toBe(ids.length);
      expect([...union].sort()).toEqual([...ids].sort());
    });

    it('under churn: members present throughout once, joiners at most once, leavers at most once', async () => {
      const stay = Array.from({ length: 120 }, gatewayId);
      const leavers = Array.from({ length: 40 }, gatewayId);
      const joiners = Array.from({ length: 60 }, gatewayId);
      await registerMany([...stay, ...leavers]);
      const slices = await store.memberSlices(channel, 4);
      const seen: string[] = [];
      const cursors: Array<string | undefined> = [...slices];
      // First page of every slice, then churn, then the rest.
      for (let i = 0; i < cursors.length; i++) {
        const page = await store.members(channel, { limit: 10, cursor: cursors[i] as string });
        seen.push(...page.connectionIds);
        cursors[i] = page.cursor;
      }
      await registerMany(joiners);
      await Promise.all(leavers.map((cid) => store.unregister(cid)));
      for (const cursor of cursors) {
        if (cursor !== undefined) seen.push(...(await listSlice(store, channel, cursor, 10)));
      }
      const counts = new Map<string, number>();
      for (const cid of seen) counts.set(cid, (counts.get(cid) ?? 0) + 1);
      for (const [, n] of counts) expect(n).toBe(1);
      for (const cid of stay) expect(counts.get(cid)).toBe(1);
      const known = new Set([...stay, ...leavers, ...joiners]);
      for (const cid of seen) expect(known.has(cid)).toBe(true);
      // Slices planned after the churn are complete again.
      const after = (
        await Promise.all((await store.memberSlices(channel, 4)).map((s) => listSlice(store, channel, s, 25)))
      ).flat();
      expect([...after].sort()).toEqual([...stay, ...joiners].sort());
    });

    it('never lists expired members', async () => {
      const live = Array.from({ length: 30 }, gatewayId);
      const dying = Array.from({ length: 30 }, gatewayId);
      await registerMany(live);
      await registerMany(dying, channel, 60);
      ctx.clock.advance(61_000);
      const slices = await store.memberSlices(channel, 3);
      const union = (await Promise.all(slices.map((s) => listSlice(store, channel, s, 8)))).flat();
      expect([...union].sort()).toEqual([...live].sort());
    });

    it('an empty channel slices to empty listings', async () => {
      const slices = await store.memberSlices(channel, 4);
      expect(slices.length).toBeGreaterThanOrEqual(1);
      for (const slice of slices) expect(await listSlice(store, channel, slice, 10)).toEqual([]);
    });

    it('rejects a slice count out of range', async () => {
      await expect(store.memberSlices(channel, 0)).rejects.toThrow(RangeError);
      await expect(store.memberSlices(channel, 1.5)).rejects.toThrow(RangeError);
      await expect(store.memberSlices(channel, 1001)).rejects.toThrow(RangeError);
    });
  });
}
