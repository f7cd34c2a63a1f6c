import { TooManyChannelsError } from '@wsapp/core';
import { describe, expect, it } from 'vitest';
import type { SuiteContext } from '../suite-context.js';
import { wsappErrorOf } from '../wsapp-error-of.js';

const LIMIT = 5;

/**
 * The store's maximum channels per connection (`maxChannelsPerConnection`, here 5 through
 * `create`): refused with `TooManyChannelsError`, atomically, writing nothing, also when a join
 * exceeds it only together with the channels already joined.
 */
export function channelLimitGroup(ctx: SuiteContext): void {
  const { id, channel, sorted } = ctx;
  const channels = (from: number, count: number) =>
    Array.from({ length: count }, (_, n) => channel(from + n));

  describe(`channel limit (maxChannelsPerConnection: ${LIMIT})`, () => {
    it('register and setChannels take up to the limit and refuse one more, writing nothing', async () => {
      const { store, inspector } = await ctx.createStore({ maxChannelsPerConnection: LIMIT });
      const error = await store
        .register(id(1), { channels: channels(0, LIMIT + 1) })
        .catch((e: unknown) => e);
      expect(error).toSatisfy(wsappErrorOf(TooManyChannelsError));
      expect((error as TooManyChannelsError).limit).toBe(LIMIT);
      expect((error as TooManyChannelsError).connectionId).toBe(id(1));
      expect(await store.get(id(1))).toBeUndefined();
      if (inspector) expect(await inspector.connectionItems(id(1))).toEqual([]);
      await store.register(id(1), { channels: channels(0, LIMIT) });
      await expect(store.setChannels(id(1), channels(10, LIMIT + 1))).rejects.toSatisfy(
        wsappErrorOf(TooManyChannelsError),
      );
      expect(sorted((await store.get(id(1)))?.channels ?? [])).toEqual(sorted(channels(0, LIMIT)));
      // A full set replaced by another full, disjoint set is within the limit.
      await store.setChannels(id(1), channels(10, LIMIT));
      expect(sorted((await store.get(id(1)))?.channels ?? [])).toEqual(sorted(channels(10, LIMIT)));
      expect(await ctx.allMembers(channel(0))).toEqual([]);
    });

    it('refuses a join that exceeds the limit with the current channels, writing nothing', async () => {
      const { store, inspector } = await ctx.createStore({ maxChannelsPerConnection: LIMIT });
      await store.register(id(), { channels: channels(0, 3) });
      const error = await store.join(id(), channels(3, 3)).catch((e: unknown) => e);
      expect(error).toSatisfy(wsappErrorOf(TooManyChannelsError));
      expect(sorted((await store.get(id()))?.channels ?? [])).toEqual(sorted(channels(0, 3)));
      for (const ch of channels(3, 3)) {
        expect((await store.members(ch)).connectionIds).toEqual([]);
        if (inspector) expect(await inspector.channelMembers(ch)).toEqual([]);
      }
      // Channels already joined do not count twice; a join up to the limit passes.
      await store.join(id(), [...channels(0, 3), ...channels(3, 2)]);
      expect((await store.get(id()))?.channels.length).toBe(LIMIT);
      await store.join(id(), [channel(0)]);
      await expect(store.join(id(), [channel(99)])).rejects.toSatisfy(wsappErrorOf(TooManyChannelsError));
      // Leaving makes room again.
      await store.leave(id(), [channel(0)]);
      await store.join(id(), [channel(99)]);
      expect(sorted((await store.get(id()))?.channels ?? [])).toEqual(
        sorted([...channels(1, 4), channel(99)]),
      );
    });

    it('concurrent joins of distinct channels stop exactly at the limit', async () => {
      const { store, inspector } = await ctx.createStore({ maxChannelsPerConnection: LIMIT });
      await store.register(id(), { channels: channels(0, 2) });
      const extra = channels(10, 12);
      const results = await Promise.allSettled(extra.map((ch) => store.join(id(), [ch])));
      for (const r of results)
        if (r.status === 'rejected') expect(r.reason).toSatisfy(wsappErrorOf(TooManyChannelsError));
      const joined = extra.filter((_, n) => results[n]!.status === 'fulfilled');
      expect(joined.length).toBe(LIMIT - 2);
      const record = await store.get(id());
      expect(sorted(record?.channels ?? [])).toEqual(sorted([...channels(0, 2), ...joined]));
      for (const ch of extra) {
        const listed = (await store.members(ch)).connectionIds;
        expect(listed, ch).toEqual(joined.includes(ch) ? [id()] : []);
        if (inspector && !joined.includes(ch)) expect(await inspector.channelMembers(ch), ch).toEqual([]);
      }
    });
  });
}
