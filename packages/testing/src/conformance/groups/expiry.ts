import { ConnectionNotFoundError } from '@wsapp/core';
import { describe, expect, it } from 'vitest';
import type { SuiteContext } from '../suite-context.js';
import { wsappErrorOf } from '../wsapp-error-of.js';
import { DEFAULT_TTL } from './constants.js';

/** Expiry with the test clock: hidden expired items, re-registration, touch. */
export function expiryGroup(ctx: SuiteContext): void {
  const { id, channel, allMembers, nowSeconds } = ctx;
  describe('expiry', () => {
    it('hides expired records and memberships', async () => {
      await ctx.store.register(id(1), { channels: [channel()], ttlSeconds: 60 });
      await ctx.store.register(id(2), { channels: [channel()], ttlSeconds: 600 });
      ctx.clock.advance(61_000);
      expect(await ctx.store.get(id(1))).toBeUndefined();
      expect(await allMembers(channel())).toEqual([id(2)]);
      await expect(ctx.store.join(id(1), [channel('x')])).rejects.toSatisfy(
        wsappErrorOf(ConnectionNotFoundError),
      );
      expect(await ctx.store.get(id(2))).toBeDefined();
    });

    it('an expired record can be registered again', async () => {
      await ctx.store.register(id(), { channels: [channel(1)], ttlSeconds: 60 });
      ctx.clock.advance(120_000);
      await ctx.store.register(id(), { channels: [channel(2)] });
      expect((await ctx.store.get(id()))?.channels).toEqual([channel(2)]);
      expect(await allMembers(channel(1))).toEqual([]);
    });

    it('touch extends the record and its memberships', async () => {
      await ctx.store.register(id(), { channels: [channel()], ttlSeconds: 60 });
      ctx.clock.advance(50_000);
      await ctx.store.touch(id(), 120);
      ctx.clock.advance(50_000);
      expect((await ctx.store.get(id()))?.expiresAt).toBe(nowSeconds() - 50 + 120);
      expect(await allMembers(channel())).toEqual([id()]);
      if (ctx.inspector) {
        const expiresAt = nowSeconds() - 50 + 120;
        for (const item of await ctx.inspector.connectionItems(id()))
          expect(item.expiresAt, item.key).toBe(expiresAt);
        expect(await ctx.inspector.channelMembers(channel())).toEqual([{ connectionId: id(), expiresAt }]);
      }
    });

    it('touch defaults to the store TTL', async () => {
      await ctx.store.register(id(), { ttlSeconds: 60 });
      await ctx.store.touch(id());
      expect((await ctx.store.get(id()))?.expiresAt).toBe(nowSeconds() + DEFAULT_TTL);
    });
  });
}
