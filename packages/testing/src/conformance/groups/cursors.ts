import { InvalidCursorError, WHOLE_CHANNEL_SLICE } from '@wsapp/core';
import { describe, expect, it } from 'vitest';
import type { SuiteContext } from '../suite-context.js';
import { wsappErrorOf } from '../wsapp-error-of.js';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** members() cursors: bound to their channel, tampered ones refused, and stable under re-registration. */
export function cursorsGroup(ctx: SuiteContext): void {
  const { id, channel, sorted } = ctx;

  /** Pages `ch` to the end from `cursor`, `limit` at a time. */
  const rest = async (ch: string, cursor: string | undefined, limit: number) => {
    const out: string[] = [];
    let next = cursor;
    for (let pages = 0; next !== undefined && pages < 1000; pages++) {
      const page = await ctx.store.members(ch, { limit, cursor: next });
      out.push(...page.connectionIds);
      next = page.cursor;
    }
    return out;
  };

  describe('members cursors', () => {
    it('refuses a cursor of another channel with InvalidCursorError', async () => {
      await Promise.all(
        Array.from({ length: 6 }, (_, n) =>
          ctx.store.register(id(n), { channels: [channel(1), channel(2)] }),
        ),
      );
      const first = await ctx.store.members(channel(1), { limit: 2 });
      expect(first.cursor).toBeDefined();
      await expect(ctx.store.members(channel(2), { limit: 2, cursor: first.cursor })).rejects.toSatisfy(
        wsappErrorOf(InvalidCursorError),
      );
      // The cursor still works on its own channel.
      expect(
        (await ctx.store.members(channel(1), { limit: 2, cursor: first.cursor })).connectionIds.length,
      ).toBe(2);
    });

    it('refuses malformed and tampered cursors with InvalidCursorError', async () => {
      await Promise.all(
        Array.from({ length: 6 }, (_, n) => ctx.store.register(id(n), { channels: [channel()] })),
      );
      const { cursor } = await ctx.store.members(channel(), { limit: 2 });
      expect(typeof cursor).toBe('string');
      const real = cursor!;
      const bad = [
        'garbage',
        'm1.5',
        '%%%',
        real.slice(0, Math.floor(real.length / 2)),
        `${real}.x`,
        `x${real}`,
        b64('{}'),
        b64('[]'),
        b64('null'),
        b64('"text"'),
        b64('[1,"",""]'),
        b64(JSON.stringify({ v: 1 })),
      ];
      for (const cur of bad) {
        const error = await ctx.store.members(channel(), { limit: 2, cursor: cur }).catch((e: unknown) => e);
        expect(error, cur).toSatisfy(wsappErrorOf(InvalidCursorError));
      }
    });

    it('refuses every one-character edit of a cursor, and slice cursors of another channel, with InvalidCursorError', async () => {
      await Promise.all(
        Array.from({ length: 6 }, (_, n) =>
          ctx.store.register(id(n), { channels: [channel(1), channel(2)] }),
        ),
      );
      const cursors = [(await ctx.store.members(channel(1), { limit: 2 })).cursor!];
      const slices = (await ctx.store.memberSlices?.(channel(1), 2)) ?? [];
      // The whole-channel slice is the one cursor every store shares, valid on any channel.
      const sealed = slices.filter((slice) => slice !== WHOLE_CHANNEL_SLICE);
      cursors.push(...sealed);
      for (const cursor of cursors) {
        expect(typeof cursor).toBe('string');
        for (let i = 0; i < cursor.length; i++) {
          const edited = cursor.slice(0, i) + (cursor[i] === 'A' ? 'B' : 'A') + cursor.slice(i + 1);
          const error = await ctx.store
            .members(channel(1), { limit: 2, cursor: edited })
            .catch((e: unknown) => e);
          expect(error, `${cursor} edited at ${i}`).toSatisfy(wsappErrorOf(InvalidCursorError));
        }
      }
      for (const slice of sealed) {
        await expect(ctx.store.members(channel(2), { limit: 2, cursor: slice })).rejects.toSatisfy(
          wsappErrorOf(InvalidCursorError),
        );
      }
    });

    it('lists a member re-registered while the channel is paged exactly once', async () => {
      const ids = Array.from({ length: 12 }, (_, n) => id(n));
      await Promise.all(ids.map((cid) => ctx.store.register(cid, { channels: [channel()] })));
      const first = await ctx.store.members(channel(), { limit: 4 });
      expect(first.connectionIds.length).toBe(4);
      // Every member registers again (a replaced record, same channel), listed and unlisted alike.
      for (const cid of ids) await ctx.store.register(cid, { channels: [channel()], data: { again: true } });
      const all = [...first.connectionIds, ...(await rest(channel(), first.cursor, 4))];
      expect(all.length).toBe(ids.length);
      expect(sorted(all)).toEqual(sorted(ids));
    });

    it('lists a member re-registered between every page exactly once', async () => {
      const ids = Array.from({ length: 9 }, (_, n) => id(n));
      await Promise.all(ids.map((cid) => ctx.store.register(cid, { channels: [channel()] })));
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await ctx.store.members(channel(), { limit: 2, ...(cursor ? { cursor } : {}) });
        seen.push(...page.connectionIds);
        cursor = page.cursor;
        // Re-register the members just listed, concurrently.
        await Promise.all(
          page.connectionIds.map((cid) => ctx.store.register(cid, { channels: [channel()] })),
        );
        pages++;
      } while (cursor !== undefined && pages < 50);
      expect(sorted(seen)).toEqual(sorted(ids));
    });
  });
}
