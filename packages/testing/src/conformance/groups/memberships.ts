import { ConnectionNotFoundError } from '@wsapp/core';
import { describe, expect, it } from 'vitest';
import type { SuiteContext } from '../suite-context.js';
import { wsappErrorOf } from '../wsapp-error-of.js';

/** join / leave / setChannels, and typed errors on unknown connections that write nothing. */
export function membershipsGroup(ctx: SuiteContext): void {
  const { id, channel, sorted, allMembers } = ctx;
  describe('join / leave / setChannels', () => {
    it('join adds channels, keeping ones already joined', async () => {
      await ctx.store.register(id(), { channels: [channel(1)] });
      await ctx.store.join(id(), [channel(1), channel(2)]);
      await ctx.store.join(id(), [channel(3)]);
      expect(sorted((await ctx.store.get(id()))?.channels ?? [])).toEqual(
        sorted([channel(1), channel(2), channel(3)]),
      );
      expect(await allMembers(channel(1))).toEqual([id()]);
      expect(await allMembers(channel(3))).toEqual([id()]);
    });

    it('memberships written by join carry the connection expiry', async () => {
      if (!ctx.inspector) return;
      const record = await ctx.store.register(id());
      await ctx.store.join(id(), [channel(1)]);
      expect(await ctx.inspector.channelMembers(channel(1))).toEqual([
        { connectionId: id(), expiresAt: record.expiresAt },
      ]);
    });

    it('leave removes channels and ignores ones not joined', async () => {
      await ctx.store.register(id(), { channels: [channel(1), channel(2)] });
      await ctx.store.leave(id(), [channel(1), channel(9)]);
      expect((await ctx.store.get(id()))?.channels).toEqual([channel(2)]);
      expect(await allMembers(channel(1))).toEqual([]);
      if (ctx.inspector) expect(await ctx.inspector.channelMembers(channel(1))).toEqual([]);
    });

    it('setChannels makes the exact set', async () => {
      await ctx.store.register(id(), { channels: [channel(1), channel(2)] });
      await ctx.store.setChannels(id(), [channel(2), channel(3)]);
      expect(sorted((await ctx.store.get(id()))?.channels ?? [])).toEqual(sorted([channel(2), channel(3)]));
      expect(await allMembers(channel(1))).toEqual([]);
      expect(await allMembers(channel(3))).toEqual([id()]);
      await ctx.store.setChannels(id(), []);
      expect((await ctx.store.get(id()))?.channels).toEqual([]);
      expect(await allMembers(channel(2))).toEqual([]);
    });

    it('empty channel lists are no-ops', async () => {
      await ctx.store.register(id(), { channels: [channel()] });
      await ctx.store.join(id(), []);
      await ctx.store.leave(id(), []);
      expect((await ctx.store.get(id()))?.channels).toEqual([channel()]);
    });

    it('operations on an unknown connection throw ConnectionNotFoundError and write nothing', async () => {
      const ghost = id('ghost');
      await expect(ctx.store.join(ghost, [channel()])).rejects.toSatisfy(
        wsappErrorOf(ConnectionNotFoundError),
      );
      await expect(ctx.store.leave(ghost, [channel()])).rejects.toSatisfy(
        wsappErrorOf(ConnectionNotFoundError),
      );
      await expect(ctx.store.setChannels(ghost, [channel()])).rejects.toSatisfy(
        wsappErrorOf(ConnectionNotFoundError),
      );
      await expect(ctx.store.update(ghost, { a: 1 })).rejects.toSatisfy(
        wsappErrorOf(ConnectionNotFoundError),
      );
      await expect(ctx.store.touch(ghost)).rejects.toSatisfy(wsappErrorOf(ConnectionNotFoundError));
      const error = await ctx.store.join(ghost, [channel()]).catch((e: unknown) => e);
      expect((error as ConnectionNotFoundError).connectionId).toBe(ghost);
      expect(await allMembers(channel())).toEqual([]);
      if (ctx.inspector) {
        expect(await ctx.inspector.channelMembers(channel())).toEqual([]);
        expect(await ctx.inspector.connectionItems(ghost)).toEqual([]);
      }
    });
  });
}
