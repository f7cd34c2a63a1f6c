import { describe, expect, it } from 'vitest';
import type { SuiteContext } from '../suite-context.js';

/** update(): shallow merge, null removes, concurrent updates, __proto__ keys. */
export function updateGroup(ctx: SuiteContext): void {
  const { id, channel } = ctx;
  describe('update', () => {
    it('merges data shallowly, removes keys set to null, answers the record', async () => {
      await ctx.store.register(id(), { channels: [channel()], data: { a: 1, b: { x: 1 }, c: 'keep' } });
      const updated = await ctx.store.update(id(), { b: { y: 2 }, a: null, d: [1] });
      expect(updated.data).toEqual({ b: { y: 2 }, c: 'keep', d: [1] });
      expect(updated.channels).toEqual([channel()]);
      expect((await ctx.store.get(id()))?.data).toEqual({ b: { y: 2 }, c: 'keep', d: [1] });
    });

    it('keeps concurrent updates of different keys', async () => {
      await ctx.store.register(id());
      await Promise.all(Array.from({ length: 20 }, (_, n) => ctx.store.update(id(), { [`k${n}`]: n })));
      const data = (await ctx.store.get(id()))?.data ?? {};
      expect(Object.keys(data).length).toBe(20);
    });

    it('stores keys like __proto__ as plain data without polluting prototypes', async () => {
      const patch = JSON.parse('{"__proto__":{"polluted":true},"constructor":"c"}') as Record<
        string,
        unknown
      >;
      await ctx.store.register(id(), { data: patch });
      const record = await ctx.store.get(id());
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.getPrototypeOf(record?.data)).toBe(Object.prototype);
      expect(record?.data.constructor).toBe('c');
    });
  });
}
