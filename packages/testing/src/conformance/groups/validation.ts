import { InvalidChannelError, InvalidConnectionIdError, InvalidDataError } from '@wsapp/core';
import { describe, expect, it } from 'vitest';
import type { SuiteContext } from '../suite-context.js';
import { wsappErrorOf } from '../wsapp-error-of.js';

/** Validation of channel names, connection ids and data, writing nothing on refusal. */
export function validationGroup(ctx: SuiteContext): void {
  const { id, channel, allMembers } = ctx;
  describe('validation', () => {
    it.each([
      ['empty', ''],
      ['a NUL byte', 'a\u0000b'],
      ['a newline', 'a\nb'],
      ['DEL', 'a\u007f'],
      ['a C1 control', 'a\u0085'],
      ['a lone surrogate', 'a\ud800'],
      ['over 512 bytes', 'x'.repeat(513)],
      ['10 KB', 'y'.repeat(10_240)],
      ['multi-byte over 512 bytes', 'é'.repeat(257)],
    ])('rejects a channel that is %s, naming it', async (_label, bad) => {
      await ctx.store.register(id());
      const error = await ctx.store.join(id(), [bad]).catch((e: unknown) => e);
      expect(error).toSatisfy(wsappErrorOf(InvalidChannelError));
      expect((error as InvalidChannelError).channel).toBe(bad);
      await expect(ctx.store.register(id(2), { channels: ['ok', bad] })).rejects.toSatisfy(
        wsappErrorOf(InvalidChannelError),
      );
      expect(await ctx.store.get(id(2))).toBeUndefined();
      await expect(ctx.store.members(bad)).rejects.toSatisfy(wsappErrorOf(InvalidChannelError));
    });

    it('rejects non-string channels', async () => {
      await ctx.store.register(id());
      await expect(ctx.store.join(id(), [42 as unknown as string])).rejects.toSatisfy(
        wsappErrorOf(InvalidChannelError),
      );
    });

    it.each([
      ['empty', ''],
      ['with a space', 'a b'],
      ['with a newline', 'a\n'],
      ['too long', 'c'.repeat(129)],
      ['non-ASCII', 'connexión'],
    ])('rejects a connection id that is %s', async (_label, bad) => {
      await expect(ctx.store.register(bad)).rejects.toSatisfy(wsappErrorOf(InvalidConnectionIdError));
      await expect(ctx.store.get(bad)).rejects.toSatisfy(wsappErrorOf(InvalidConnectionIdError));
      await expect(ctx.store.unregister(bad)).rejects.toSatisfy(wsappErrorOf(InvalidConnectionIdError));
    });

    it('accepts API Gateway style ids with base64 characters', async () => {
      for (const cid of [`${ctx.tag}L0SM9cOFvHcCIhw=`, `${ctx.tag}a+b/c==`, `${ctx.tag}x_y-z`]) {
        await ctx.store.register(cid, { channels: [channel()] });
        expect((await ctx.store.get(cid))?.connectionId).toBe(cid);
      }
      expect((await allMembers(channel())).length).toBe(3);
    });

    it('rejects data too large or not a JSON object with a clear error, writing nothing', async () => {
      const big = { blob: 'z'.repeat(40 * 1024) };
      const error = await ctx.store.register(id(), { data: big }).catch((e: unknown) => e);
      expect(error).toSatisfy(wsappErrorOf(InvalidDataError));
      expect((error as Error).message).toMatch(/exceeds the 32768-byte limit/);
      expect(await ctx.store.get(id())).toBeUndefined();
      if (ctx.inspector) expect(await ctx.inspector.connectionItems(id())).toEqual([]);
      await ctx.store.register(id(), { data: { small: true } });
      await expect(ctx.store.update(id(), big)).rejects.toSatisfy(wsappErrorOf(InvalidDataError));
      await expect(ctx.store.update(id(), [] as unknown as Record<string, unknown>)).rejects.toSatisfy(
        wsappErrorOf(InvalidDataError),
      );
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      await expect(ctx.store.update(id(), circular)).rejects.toSatisfy(wsappErrorOf(InvalidDataError));
      expect((await ctx.store.get(id()))?.data).toEqual({ small: true });
    });
  });
}
