import { type ConnectionStore, InvalidConnectionIdError, type UnregisterStaleResult } from '@wsapp/core';
import { describe, expect, it } from 'vitest';
import type { SuiteContext } from '../suite-context.js';
import { wsappErrorOf } from '../wsapp-error-of.js';

/** The age gone-cleanup asks for in these cases (any value works; the Messenger's default is 35 s). */
const MIN_AGE_MS = 35_000;

/** `unregisterStale` of a store that must have it (every `BaseConnectionStore` does). */
function staleRemoval(store: ConnectionStore) {
  const remove = store.unregisterStale?.bind(store);
  if (remove === undefined) throw new Error('the store has no unregisterStale');
  return remove;
}

/**
 * `unregisterStale` (issue 26): gone-cleanup removes a record only when it is at least `minAgeMs`
 * old, in one atomic step, so the record a `$connect` has just written (API Gateway answers 410
 * until it accepts the connection) is never removed. Backdoor reads check what is really left.
 */
export function staleUnregisterGroup(ctx: SuiteContext): void {
  const { id, channel } = ctx;
  const membersOf = async (ch: string) =>
    ctx.inspector ? (await ctx.inspector.channelMembers(ch)).map((m) => m.connectionId) : undefined;

  describe('unregisterStale (gone-cleanup of records old enough)', () => {
    it('keeps a younger record untouched, with every membership', async () => {
      const registered = await ctx.store.register(id(), {
        channels: [channel(1), channel(2)],
        data: { user: 'u1' },
      });
      ctx.clock.advance(MIN_AGE_MS - 1000);
      expect(await staleRemoval(ctx.store)(id(), MIN_AGE_MS)).toEqual({
        outcome: 'kept',
        ageMs: MIN_AGE_MS - 1000,
      });
      const read = await ctx.store.get(id());
      expect({ ...read, channels: ctx.sorted(read?.channels ?? []) }).toEqual({
        ...registered,
        channels: ctx.sorted(registered.channels),
      });
      expect(await ctx.allMembers(channel(1))).toEqual([id()]);
      if (ctx.inspector) {
        expect((await ctx.inspector.connectionItems(id())).length).toBeGreaterThan(0);
        expect(await membersOf(channel(2))).toEqual([id()]);
      }
    });

    it('removes a record at least minAgeMs old with every membership, and answers it', async () => {
      await ctx.store.register(id(1), { channels: [channel(1)] });
      const old = await ctx.store.register(id(), { channels: [channel(1), channel(2)], data: { n: 1 } });
      ctx.clock.advance(MIN_AGE_MS);
      const result = await staleRemoval(ctx.store)(id(), MIN_AGE_MS);
      expect(result.outcome).toBe('removed');
      const removed = (result as Extract<UnregisterStaleResult, { outcome: 'removed' }>).record;
      expect({ ...removed, channels: ctx.sorted(removed.channels) }).toEqual({
        ...old,
        channels: ctx.sorted(old.channels),
      });
      expect(await ctx.store.get(id())).toBeUndefined();
      expect(await ctx.allMembers(channel(1))).toEqual([id(1)]);
      expect(await ctx.allMembers(channel(2))).toEqual([]);
      if (ctx.inspector) {
        expect(await ctx.inspector.connectionItems(id())).toEqual([]);
        expect(await membersOf(channel(1))).toEqual([id(1)]);
        expect(await membersOf(channel(2))).toEqual([]);
      }
    });

    it('answers absent for an unknown id, and for an expired record, which it deletes', async () => {
      expect(await staleRemoval(ctx.store)(id('unknown'), MIN_AGE_MS)).toEqual({ outcome: 'absent' });
      await ctx.store.register(id(), { channels: [channel(1)], ttlSeconds: 60 });
      ctx.clock.advance(61_000);
      expect(await staleRemoval(ctx.store)(id(), MIN_AGE_MS)).toEqual({ outcome: 'absent' });
      if (ctx.inspector) {
        expect(await ctx.inspector.connectionItems(id())).toEqual([]);
        expect(await membersOf(channel(1))).toEqual([]);
      }
    });

    it('refuses a bad id or age before touching the backend', async () => {
      const remove = staleRemoval(ctx.store);
      await expect(remove('bad id', MIN_AGE_MS)).rejects.toSatisfy(wsappErrorOf(InvalidConnectionIdError));
      for (const age of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
        await expect(remove(id(), age)).rejects.toBeInstanceOf(RangeError);
      }
    });

    it('a registration racing the removal of an old record of the same id is never removed', async () => {
      const ids = Array.from({ length: 12 }, (_, i) => id(`race${i}`));
      for (const cid of ids) await ctx.store.register(cid, { channels: [channel(1)], data: { gen: 1 } });
      ctx.clock.advance(MIN_AGE_MS + 1000);
      // Each pair launched together, in both orders, no injected delay: whichever runs first, the
      // record the new registration wrote (young) must survive — with its membership.
      await Promise.all(
        ids.map((cid, i) => {
          const remove = staleRemoval(ctx.store)(cid, MIN_AGE_MS);
          const register = ctx.store.register(cid, { channels: [channel(1)], data: { gen: 2 } });
          return i % 2 === 0 ? Promise.all([remove, register]) : Promise.all([register, remove]);
        }),
      );
      for (const cid of ids) expect((await ctx.store.get(cid))?.data, cid).toEqual({ gen: 2 });
      // A Redis Cluster store does not order a re-registration against other calls on the same id
      // (its README; API Gateway never reuses an id): its index may then lack the id, which the
      // other stores must never do. The record itself is decided atomically everywhere (above).
      if (!ctx.options.serialRegistration) {
        expect(ctx.sorted(await ctx.allMembers(channel(1)))).toEqual(ctx.sorted(ids));
        if (ctx.inspector) expect(ctx.sorted((await membersOf(channel(1))) ?? [])).toEqual(ctx.sorted(ids));
      }
    });

    it('concurrent removals of one old record: exactly one removes it, the others find nothing', async () => {
      await ctx.store.register(id(), { channels: [channel(1), channel(2)] });
      ctx.clock.advance(MIN_AGE_MS);
      const results = await Promise.all(
        Array.from({ length: 8 }, () => staleRemoval(ctx.store)(id(), MIN_AGE_MS)),
      );
      expect(results.filter((r) => r.outcome === 'removed')).toHaveLength(1);
      expect(results.filter((r) => r.outcome === 'absent')).toHaveLength(7);
      if (ctx.inspector) {
        expect(await ctx.inspector.connectionItems(id())).toEqual([]);
        for (const ch of [channel(1), channel(2)]) expect(await membersOf(ch)).toEqual([]);
      }
    });
  });
}
