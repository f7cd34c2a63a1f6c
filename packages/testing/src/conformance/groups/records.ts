import { describe, expect, it } from 'vitest';
import type { SuiteContext } from '../suite-context.js';
import { DEFAULT_TTL } from './constants.js';

/** register / get / unregister: round trips, defaults, idempotent unregister, replacement, expiry on every item. */
export function recordsGroup(ctx: SuiteContext): void {
  const { id, channel, sorted, allMembers, nowSeconds } = ctx;
  describe('register / get / unregister', () => {
    it('round-trips a record with channels, data and endpoint', async () => {
      const registered = await ctx.store.register(id(), {
        channels: [channel(1), channel(2), channel(1)],
        data: { userId: 'u-1', locale: 'fr-CA', nested: { a: [1, 2] } },
        endpoint: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod',
      });
      expect(registered).toEqual({
        connectionId: id(),
        channels: [channel(1), channel(2)],
        data: { userId: 'u-1', locale: 'fr-CA', nested: { a: [1, 2] } },
        endpoint: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod',
        connectedAt: ctx.clock.now(),
        expiresAt: nowSeconds() + DEFAULT_TTL,
      });
      const read = await ctx.store.get(id());
      expect({ ...read, channels: sorted(read?.channels ?? []) }).toEqual({
        ...registered,
        channels: sorted(registered.channels),
      });
      expect(await allMembers(channel(1))).toEqual([id()]);
      expect(await allMembers(channel(2))).toEqual([id()]);
    });

    it('defaults to no channels, empty data, no endpoint and a 2 h + grace TTL', async () => {
      const record = await ctx.store.register(id());
      expect(record.channels).toEqual([]);
      expect(record.data).toEqual({});
      expect(record.endpoint).toBeUndefined();
      expect(record.expiresAt).toBe(nowSeconds() + DEFAULT_TTL);
      expect((await ctx.store.get(id()))?.endpoint).toBeUndefined();
    });

    it('honours a per-connection ttlSeconds', async () => {
      expect((await ctx.store.register(id(), { ttlSeconds: 90 })).expiresAt).toBe(nowSeconds() + 90);
    });

    it('answers undefined for an unknown connection', async () => {
      expect(await ctx.store.get(id('unknown'))).toBeUndefined();
    });

    it('unregister answers the removed record and removes every membership', async () => {
      await ctx.store.register(id(), { channels: [channel(1), channel(2), channel(3)] });
      const removed = await ctx.store.unregister(id());
      expect(removed?.connectionId).toBe(id());
      expect(sorted(removed?.channels ?? [])).toEqual(sorted([channel(1), channel(2), channel(3)]));
      expect(await ctx.store.get(id())).toBeUndefined();
      for (const ch of [channel(1), channel(2), channel(3)]) expect(await allMembers(ch)).toEqual([]);
      if (ctx.inspector) {
        expect(await ctx.inspector.connectionItems(id())).toEqual([]);
        for (const ch of [channel(1), channel(2), channel(3)]) {
          expect((await ctx.inspector.channelMembers(ch)).map((m) => m.connectionId)).not.toContain(id());
        }
      }
    });

    it('unregister is idempotent', async () => {
      await ctx.store.register(id(), { channels: [channel()] });
      await ctx.store.unregister(id());
      expect(await ctx.store.unregister(id())).toBeUndefined();
      expect(await ctx.store.unregister(id('never'))).toBeUndefined();
    });

    it('register again replaces the record and its memberships', async () => {
      await ctx.store.register(id(), { channels: [channel(1), channel(2)], data: { v: 1 } });
      await ctx.store.register(id(), { channels: [channel(3)], data: { v: 2 } });
      const record = await ctx.store.get(id());
      expect(record?.channels).toEqual([channel(3)]);
      expect(record?.data).toEqual({ v: 2 });
      expect(await allMembers(channel(1))).toEqual([]);
      expect(await allMembers(channel(3))).toEqual([id()]);
      if (ctx.inspector) {
        expect((await ctx.inspector.channelMembers(channel(1))).map((m) => m.connectionId)).not.toContain(
          id(),
        );
      }
    });

    it('sets an expiry on every item it writes', async () => {
      if (!ctx.inspector) return;
      const record = await ctx.store.register(id(), { channels: [channel(1), channel(2)] });
      const items = await ctx.inspector.connectionItems(id());
      expect(items.length).toBeGreaterThan(0);
      for (const item of items) expect(item.expiresAt, item.key).toBe(record.expiresAt);
      for (const ch of [channel(1), channel(2)]) {
        const members = await ctx.inspector.channelMembers(ch);
        expect(members).toEqual([{ connectionId: id(), expiresAt: record.expiresAt }]);
      }
    });
  });
}
