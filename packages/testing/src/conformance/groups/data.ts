import { InvalidDataError } from '@wsapp/core';
import { describe, expect, it } from 'vitest';
import type { SuiteContext } from '../suite-context.js';
import { wsappErrorOf } from '../wsapp-error-of.js';

class Point {
  x = 1;
}

/** Values JSON would silently turn into something else (and each backend into something different). */
const NOT_PLAIN_JSON: Array<[string, () => unknown]> = [
  ['a Date', () => new Date(0)],
  ['an object with toJSON', () => ({ toJSON: () => 'x' })],
  ['a boxed string', () => new String('s')],
  ['a boxed number', () => new Number(1)],
  ['a boxed boolean', () => new Boolean(false)],
  ['a class instance', () => new Point()],
  ['a Map', () => new Map([['a', 1]])],
  ['a Set', () => new Set([1])],
  ['a RegExp', () => /x/],
  ['a typed array', () => new Uint8Array(2)],
  ['a function', () => () => 1],
  ['a symbol', () => Symbol('s')],
  ['a BigInt', () => 1n],
  ['NaN', () => Number.NaN],
  ['Infinity', () => Number.POSITIVE_INFINITY],
  ['an undefined array item', () => [1, undefined]],
  ['an object with a class prototype', () => Object.create({ inherited: 1 }) as unknown],
];

/** Connection data is plain JSON on every backend, and its size limit holds after update() merges. */
export function dataGroup(ctx: SuiteContext): void {
  const { id, channel, sorted } = ctx;

  describe('connection data is plain JSON', () => {
    it.each(NOT_PLAIN_JSON)(
      'refuses %s, at the top level or nested, writing nothing',
      async (_label, make) => {
        const variants: Array<Record<string, unknown>> = [
          { v: make() },
          { deep: { list: [0, { v: make() }] } },
        ];
        for (const [n, data] of variants.entries()) {
          await expect(ctx.store.register(id(n), { channels: [channel()], data })).rejects.toSatisfy(
            wsappErrorOf(InvalidDataError),
          );
          expect(await ctx.store.get(id(n))).toBeUndefined();
          if (ctx.inspector) expect(await ctx.inspector.connectionItems(id(n))).toEqual([]);
        }
        expect(await ctx.allMembers(channel())).toEqual([]);
        await ctx.store.register(id('ok'), { data: { keep: 1 } });
        for (const patch of variants) {
          await expect(ctx.store.update(id('ok'), patch)).rejects.toSatisfy(wsappErrorOf(InvalidDataError));
        }
        expect((await ctx.store.get(id('ok')))?.data).toEqual({ keep: 1 });
      },
    );

    it('refuses a Date or a class instance as the whole data object', async () => {
      for (const data of [new Date(0), new Point(), new Map()]) {
        await expect(
          ctx.store.register(id(), { data: data as unknown as Record<string, unknown> }),
        ).rejects.toSatisfy(wsappErrorOf(InvalidDataError));
      }
      expect(await ctx.store.get(id())).toBeUndefined();
    });

    it('refuses throwing getters and revoked proxies with InvalidDataError', async () => {
      const getter = Object.defineProperty({}, 'boom', {
        enumerable: true,
        get() {
          throw new Error('getter');
        },
      }) as Record<string, unknown>;
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      for (const data of [getter, { nested: proxy }, proxy as Record<string, unknown>]) {
        await expect(ctx.store.register(id(), { data })).rejects.toSatisfy(wsappErrorOf(InvalidDataError));
      }
      expect(await ctx.store.get(id())).toBeUndefined();
    });

    it('reads back plain JSON exactly: null prototypes, nesting, unicode, numbers', async () => {
      const bare = Object.create(null) as Record<string, unknown>;
      bare.k = 'v';
      const data = {
        bare,
        n: [0, -1.5, 1e21, Number.MAX_SAFE_INTEGER],
        s: 'é 🚀 \u2028 "q" \\',
        t: true,
        z: null,
        deep: { a: [{ b: [[]] }] },
      };
      await ctx.store.register(id(), { data });
      const expected = JSON.parse(JSON.stringify(data)) as unknown;
      expect((await ctx.store.get(id()))?.data).toEqual(expected);
      expect(sorted(Object.keys((await ctx.store.get(id()))?.data ?? {}))).toEqual(sorted(Object.keys(data)));
    });

    it('reads back 2,000-deep nesting, and refuses 100,000-deep with InvalidDataError', async () => {
      let deep: Record<string, unknown> = { leaf: true };
      for (let i = 0; i < 2000; i++) deep = { d: deep };
      await ctx.store.register(id(), { data: deep });
      expect(JSON.stringify((await ctx.store.get(id()))?.data)).toBe(JSON.stringify(deep));
      let deeper: Record<string, unknown> = {};
      for (let i = 0; i < 100_000; i++) deeper = { d: deeper };
      await expect(ctx.store.register(id(2), { data: deeper })).rejects.toSatisfy(
        wsappErrorOf(InvalidDataError),
      );
      expect(await ctx.store.get(id(2))).toBeUndefined();
    });

    it('drops properties whose value is undefined, like JSON', async () => {
      await ctx.store.register(id(), { data: { a: 1, gone: undefined } });
      expect((await ctx.store.get(id()))?.data).toEqual({ a: 1 });
      expect(Object.keys((await ctx.store.get(id()))?.data ?? {})).toEqual(['a']);
    });
  });

  describe('the data size limit holds after update() merges', () => {
    it('16 updates of 30 KB keys never grow the data past 32 KB, and refused ones write nothing', async () => {
      await ctx.store.register(id(), { data: {} });
      const outcomes: string[] = [];
      for (let n = 0; n < 16; n++) {
        const patch = { [`k${n}`]: String(n % 10).repeat(30 * 1024) };
        const result = await ctx.store.update(id(), patch).then(
          () => 'ok',
          (error: unknown) => (wsappErrorOf(InvalidDataError)(error) ? 'refused' : `other: ${String(error)}`),
        );
        outcomes.push(result);
      }
      expect(outcomes).toEqual(['ok', ...Array<string>(15).fill('refused')]);
      const data = (await ctx.store.get(id()))?.data ?? {};
      expect(Object.keys(data)).toEqual(['k0']);
      expect(Buffer.byteLength(JSON.stringify(data), 'utf8')).toBeLessThanOrEqual(32 * 1024);
    });

    it('concurrent updates cannot together pass the limit', async () => {
      await ctx.store.register(id());
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, n) => ctx.store.update(id(), { [`k${n}`]: 'x'.repeat(10 * 1024) })),
      );
      for (const r of results) {
        if (r.status === 'rejected') expect(r.reason).toSatisfy(wsappErrorOf(InvalidDataError));
      }
      expect(results.filter((r) => r.status === 'fulfilled').length).toBe(3);
      const data = (await ctx.store.get(id()))?.data ?? {};
      expect(Object.keys(data).length).toBe(3);
      expect(Buffer.byteLength(JSON.stringify(data), 'utf8')).toBeLessThanOrEqual(32 * 1024);
    });

    it('counts replaced and removed keys, to the byte, with keys JSON must escape', async () => {
      const max = 300;
      const { store } = await ctx.createStore({ maxDataBytes: max });
      // Keys with characters JSON escapes (2 and 6 bytes) and multi-byte UTF-8.
      const keys = ['plain', 'q"uote', 'back\\slash', 'new\nline', 'ctl\u0001', 'é🚀'];
      const base: Record<string, unknown> = Object.fromEntries(keys.map((k) => [k, 1]));
      await store.register(id(), { data: base });
      const bytes = (data: Record<string, unknown>) => Buffer.byteLength(JSON.stringify(data), 'utf8');
      // Fill one value so the merged data is exactly `max` bytes, then one byte more.
      const fill = (extra: number) => {
        const merged = { ...base, filler: '' };
        merged.filler = 'f'.repeat(max - bytes(merged) + extra);
        return merged.filler;
      };
      await expect(store.update(id(), { filler: fill(1) })).rejects.toSatisfy(wsappErrorOf(InvalidDataError));
      expect((await store.get(id()))?.data).toEqual(base);
      const exact = await store.update(id(), { filler: fill(0) });
      expect(bytes(exact.data)).toBe(max);
      // Replacing a key counts its new value only; removing one frees its bytes.
      await store.update(id(), { filler: 'short' });
      await expect(store.update(id(), { plain: 'p'.repeat(max) })).rejects.toSatisfy(
        wsappErrorOf(InvalidDataError),
      );
      const freed = await store.update(id(), { filler: null, 'q"uote': null, plain: 'p'.repeat(150) });
      expect(bytes(freed.data)).toBeLessThanOrEqual(max);
      expect((await store.get(id()))?.data).toEqual(freed.data);
    });
  });
}
