import { describe, expect, it } from 'vitest';
import type { SuiteContext } from '../suite-context.js';

/** Channel names with separators, unicode and look-alikes (also used by the history groups). */
export const HOSTILE_CHANNEL_NAMES: readonly string[] = [
  'ticker#AMZN',
  'user#42',
  'room:lobby',
  '{slot}',
  'a{b}c',
  'a|b',
  'a\\b',
  'a/b',
  'a%2Fb',
  '🚀 launch',
  '聊天室',
  'غرفة',
  'e\u0301', // e + combining acute: distinct from the precomposed é
  'é',
  ' leading space',
  'trailing space ',
  '*',
  '?',
  '[x]',
];

/** Channel names with separators, unicode and look-alikes never collide. */
export function channelNamesGroup(ctx: SuiteContext): void {
  const { id, allMembers } = ctx;
  describe('channel names', () => {
    it('round-trips separators, unicode and look-alikes exactly, without collisions', async () => {
      const chans = HOSTILE_CHANNEL_NAMES.map((n) => `${ctx.tag}${n}`);
      await Promise.all(chans.map((ch, n) => ctx.store.register(id(n), { channels: [ch] })));
      for (const [n, ch] of chans.entries()) {
        expect(await allMembers(ch), ch).toEqual([id(n)]);
      }
      const record = await ctx.store.get(id(0));
      expect(record?.channels).toEqual([chans[0]]);
    });

    it('keeps a channel name separate from one that is its prefix', async () => {
      await ctx.store.register(id(1), { channels: [`${ctx.tag}ab`] });
      await ctx.store.register(id(2), { channels: [`${ctx.tag}a`] });
      expect(await allMembers(`${ctx.tag}a`)).toEqual([id(2)]);
      expect(await allMembers(`${ctx.tag}ab`)).toEqual([id(1)]);
    });
  });
}
