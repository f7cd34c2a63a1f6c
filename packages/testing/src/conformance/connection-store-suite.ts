import { randomBytes } from 'node:crypto';
import {
  ConnectionNotFoundError,
  type ConnectionStore,
  InvalidChannelError,
  InvalidConnectionIdError,
  InvalidDataError,
} from '@wsapp/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memberSlicesGroup } from './groups/slices.js';
import type { ConnectionStoreSuiteOptions, StoreInspector } from './suite-options.js';
import { TestClock } from './test-clock.js';

const DEFAULT_TTL = 2 * 60 * 60 + 10 * 60;

/**
 * Runs the ConnectionStore contract against an adapter: the same cases for every backend, like
 * keyv's shared adapter tests. Call it at the top level of a vitest test file.
 *
 * @example
 * ```ts
 * connectionStoreSuite('memory', { create: ({ clock }) => new MemoryConnectionStore({ clock: () => clock.now() }) });
 * ```
 */
export function connectionStoreSuite<TStore extends ConnectionStore>(
  name: string,
  options: ConnectionStoreSuiteOptions<TStore>,
): void {
  describe(`ConnectionStore conformance: ${name}`, () => {
    let clock: TestClock;
    let store: TStore;
    let inspector: StoreInspector | undefined;
    // Every test gets its own ids and channels, so suites can share one backend.
    let tag: string;
    const id = (n: number | string = 0) => `${tag}c${n}=`;
    const channel = (n: number | string = 0) => `${tag}#ch:${n}`;
    const nowSeconds = () => Math.floor(clock.now() / 1000);

    beforeEach(async () => {
      clock = new TestClock();
      store = await options.create({ clock });
      inspector = options.inspect?.(store);
      tag = randomBytes(6).toString('hex');
    });
    afterEach(async () => {
      await options.destroy?.(store);
    });

    const sorted = (values: Iterable<string>) => [...values].sort();
    const allMembers = async (ch: string, pageSize?: number) => {
      const out: string[] = [];
      for await (const member of store.allMembers(ch, pageSize === undefined ? {} : { pageSize }))
        out.push(member);
      return out;
    };

    describe('register / get / unregister', () => {
      it('round-trips a record with channels, data and endpoint', async () => {
        const registered = await store.register(id(), {
          channels: [channel(1), channel(2), channel(1)],
          data: { userId: 'u-1', locale: 'fr-CA', nested: { a: [1, 2] } },
          endpoint: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod',
        });
        expect(registered).toEqual({
          connectionId: id(),
          channels: [channel(1), channel(2)],
          data: { userId: 'u-1', locale: 'fr-CA', nested: { a: [1, 2] } },
          endpoint: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod',
          connectedAt: clock.now(),
          expiresAt: nowSeconds() + DEFAULT_TTL,
        });
        const read = await store.get(id());
        expect({ ...read, channels: sorted(read?.channels ?? []) }).toEqual({
          ...registered,
          channels: sorted(registered.channels),
        });
        expect(await allMembers(channel(1))).toEqual([id()]);
        expect(await allMembers(channel(2))).toEqual([id()]);
      });

      it('defaults to no channels, empty data, no endpoint and a 2 h + grace TTL', async () => {
        const record = await store.register(id());
        expect(record.channels).toEqual([]);
        expect(record.data).toEqual({});
        expect(record.endpoint).toBeUndefined();
        expect(record.expiresAt).toBe(nowSeconds() + DEFAULT_TTL);
        expect((await store.get(id()))?.endpoint).toBeUndefined();
      });

      it('honours a per-connection ttlSeconds', async () => {
        expect((await store.register(id(), { ttlSeconds: 90 })).expiresAt).toBe(nowSeconds() + 90);
      });

      it('answers undefined for an unknown connection', async () => {
        expect(await store.get(id('unknown'))).toBeUndefined();
      });

      it('unregister answers the removed record and removes every membership', async () => {
        await store.register(id(), { channels: [channel(1), channel(2), channel(3)] });
        const removed = await store.unregister(id());
        expect(removed?.connectionId).toBe(id());
        expect(sorted(removed?.channels ?? [])).toEqual(sorted([channel(1), channel(2), channel(3)]));
        expect(await store.get(id())).toBeUndefined();
        for (const ch of [channel(1), channel(2), channel(3)]) expect(await allMembers(ch)).toEqual([]);
        if (inspector) {
          expect(await inspector.connectionItems(id())).toEqual([]);
          for (const ch of [channel(1), channel(2), channel(3)]) {
            expect((await inspector.channelMembers(ch)).map((m) => m.connectionId)).not.toContain(id());
          }
        }
      });

      it('unregister is idempotent', async () => {
        await store.register(id(), { channels: [channel()] });
        await store.unregister(id());
        expect(await store.unregister(id())).toBeUndefined();
        expect(await store.unregister(id('never'))).toBeUndefined();
      });

      it('register again replaces the record and its memberships', async () => {
        await store.register(id(), { channels: [channel(1), channel(2)], data: { v: 1 } });
        await store.register(id(), { channels: [channel(3)], data: { v: 2 } });
        const record = await store.get(id());
        expect(record?.channels).toEqual([channel(3)]);
        expect(record?.data).toEqual({ v: 2 });
        expect(await allMembers(channel(1))).toEqual([]);
        expect(await allMembers(channel(3))).toEqual([id()]);
        if (inspector) {
          expect((await inspector.channelMembers(channel(1))).map((m) => m.connectionId)).not.toContain(id());
        }
      });

      it('sets an expiry on every item it writes', async () => {
        if (!inspector) return;
        const record = await store.register(id(), { channels: [channel(1), channel(2)] });
        const items = await inspector.connectionItems(id());
        expect(items.length).toBeGreaterThan(0);
        for (const item of items) expect(item.expiresAt, item.key).toBe(record.expiresAt);
        for (const ch of [channel(1), channel(2)]) {
          const members = await inspector.channelMembers(ch);
          expect(members).toEqual([{ connectionId: id(), expiresAt: record.expiresAt }]);
        }
      });
    });

    describe('join / leave / setChannels', () => {
      it('join adds channels, keeping ones already joined', async () => {
        await store.register(id(), { channels: [channel(1)] });
        await store.join(id(), [channel(1), channel(2)]);
        await store.join(id(), [channel(3)]);
        expect(sorted((await store.get(id()))?.channels ?? [])).toEqual(
          sorted([channel(1), channel(2), channel(3)]),
        );
        expect(await allMembers(channel(1))).toEqual([id()]);
        expect(await allMembers(channel(3))).toEqual([id()]);
      });

      it('memberships written by join carry the connection expiry', async () => {
        if (!inspector) return;
        const record = await store.register(id());
        await store.join(id(), [channel(1)]);
        expect(await inspector.channelMembers(channel(1))).toEqual([
          { connectionId: id(), expiresAt: record.expiresAt },
        ]);
      });

      it('leave removes channels and ignores ones not joined', async () => {
        await store.register(id(), { channels: [channel(1), channel(2)] });
        await store.leave(id(), [channel(1), channel(9)]);
        expect((await store.get(id()))?.channels).toEqual([channel(2)]);
        expect(await allMembers(channel(1))).toEqual([]);
        if (inspector) expect(await inspector.channelMembers(channel(1))).toEqual([]);
      });

      it('setChannels makes the exact set', async () => {
        await store.register(id(), { channels: [channel(1), channel(2)] });
        await store.setChannels(id(), [channel(2), channel(3)]);
        expect(sorted((await store.get(id()))?.channels ?? [])).toEqual(sorted([channel(2), channel(3)]));
        expect(await allMembers(channel(1))).toEqual([]);
        expect(await allMembers(channel(3))).toEqual([id()]);
        await store.setChannels(id(), []);
        expect((await store.get(id()))?.channels).toEqual([]);
        expect(await allMembers(channel(2))).toEqual([]);
      });

      it('empty channel lists are no-ops', async () => {
        await store.register(id(), { channels: [channel()] });
        await store.join(id(), []);
        await store.leave(id(), []);
        expect((await store.get(id()))?.channels).toEqual([channel()]);
      });

      it('operations on an unknown connection throw ConnectionNotFoundError and write nothing', async () => {
        const ghost = id('ghost');
        await expect(store.join(ghost, [channel()])).rejects.toBeInstanceOf(ConnectionNotFoundError);
        await expect(store.leave(ghost, [channel()])).rejects.toBeInstanceOf(ConnectionNotFoundError);
        await expect(store.setChannels(ghost, [channel()])).rejects.toBeInstanceOf(ConnectionNotFoundError);
        await expect(store.update(ghost, { a: 1 })).rejects.toBeInstanceOf(ConnectionNotFoundError);
        await expect(store.touch(ghost)).rejects.toBeInstanceOf(ConnectionNotFoundError);
        const error = await store.join(ghost, [channel()]).catch((e: unknown) => e);
        expect((error as ConnectionNotFoundError).connectionId).toBe(ghost);
        expect(await allMembers(channel())).toEqual([]);
        if (inspector) {
          expect(await inspector.channelMembers(channel())).toEqual([]);
          expect(await inspector.connectionItems(ghost)).toEqual([]);
        }
      });
    });

    describe('members paging', () => {
      const count = options.pagingMembers ?? 1200;

      it(`returns each of ${count} members exactly once across pages`, async () => {
        const ids = Array.from({ length: count }, (_, n) => id(n));
        for (let i = 0; i < ids.length; i += 100) {
          await Promise.all(
            ids.slice(i, i + 100).map((cid) => store.register(cid, { channels: [channel()] })),
          );
        }
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.members(channel(), { limit: 100, ...(cursor ? { cursor } : {}) });
          expect(page.connectionIds.length).toBeLessThanOrEqual(100);
          seen.push(...page.connectionIds);
          cursor = page.cursor;
          if (cursor !== undefined) expect(typeof cursor).toBe('string');
          pages++;
        } while (cursor !== undefined && pages < count);
        expect(seen.length).toBe(count);
        expect(new Set(seen).size).toBe(count);
        expect(sorted(seen)).toEqual(sorted(ids));
        expect(pages).toBeGreaterThanOrEqual(Math.ceil(count / 100));
        expect(pages).toBeLessThanOrEqual(Math.ceil(count / 100) + 1);
      });

      it('allMembers streams every member with any page size', async () => {
        await Promise.all(
          Array.from({ length: 25 }, (_, n) => store.register(id(n), { channels: [channel()] })),
        );
        expect(sorted(await allMembers(channel(), 7))).toEqual(
          sorted(Array.from({ length: 25 }, (_, n) => id(n))),
        );
      });

      it('an unknown channel has no members and no cursor', async () => {
        expect(await store.members(channel('empty'))).toEqual({ connectionIds: [] });
      });

      it('rejects a limit out of range', async () => {
        await expect(store.members(channel(), { limit: 0 })).rejects.toThrow(RangeError);
        await expect(store.members(channel(), { limit: 1.5 })).rejects.toThrow(RangeError);
      });
    });

    memberSlicesGroup(options);

    describe('expiry', () => {
      it('hides expired records and memberships', async () => {
        await store.register(id(1), { channels: [channel()], ttlSeconds: 60 });
        await store.register(id(2), { channels: [channel()], ttlSeconds: 600 });
        clock.advance(61_000);
        expect(await store.get(id(1))).toBeUndefined();
        expect(await allMembers(channel())).toEqual([id(2)]);
        await expect(store.join(id(1), [channel('x')])).rejects.toBeInstanceOf(ConnectionNotFoundError);
        expect(await store.get(id(2))).toBeDefined();
      });

      it('an expired record can be registered again', async () => {
        await store.register(id(), { channels: [channel(1)], ttlSeconds: 60 });
        clock.advance(120_000);
        await store.register(id(), { channels: [channel(2)] });
        expect((await store.get(id()))?.channels).toEqual([channel(2)]);
        expect(await allMembers(channel(1))).toEqual([]);
      });

      it('touch extends the record and its memberships', async () => {
        await store.register(id(), { channels: [channel()], ttlSeconds: 60 });
        clock.advance(50_000);
        await store.touch(id(), 120);
        clock.advance(50_000);
        expect((await store.get(id()))?.expiresAt).toBe(nowSeconds() - 50 + 120);
        expect(await allMembers(channel())).toEqual([id()]);
        if (inspector) {
          const expiresAt = nowSeconds() - 50 + 120;
          for (const item of await inspector.connectionItems(id()))
            expect(item.expiresAt, item.key).toBe(expiresAt);
          expect(await inspector.channelMembers(channel())).toEqual([{ connectionId: id(), expiresAt }]);
        }
      });

      it('touch defaults to the store TTL', async () => {
        await store.register(id(), { ttlSeconds: 60 });
        await store.touch(id());
        expect((await store.get(id()))?.expiresAt).toBe(nowSeconds() + DEFAULT_TTL);
      });
    });

    describe('update', () => {
      it('merges data shallowly, removes keys set to null, answers the record', async () => {
        await store.register(id(), { channels: [channel()], data: { a: 1, b: { x: 1 }, c: 'keep' } });
        const updated = await store.update(id(), { b: { y: 2 }, a: null, d: [1] });
        expect(updated.data).toEqual({ b: { y: 2 }, c: 'keep', d: [1] });
        expect(updated.channels).toEqual([channel()]);
        expect((await store.get(id()))?.data).toEqual({ b: { y: 2 }, c: 'keep', d: [1] });
      });

      it('keeps concurrent updates of different keys', async () => {
        await store.register(id());
        await Promise.all(Array.from({ length: 20 }, (_, n) => store.update(id(), { [`k${n}`]: n })));
        const data = (await store.get(id()))?.data ?? {};
        expect(Object.keys(data).length).toBe(20);
      });

      it('stores keys like __proto__ as plain data without polluting prototypes', async () => {
        const patch = JSON.parse('{"__proto__":{"polluted":true},"constructor":"c"}') as Record<
          string,
          unknown
        >;
        await store.register(id(), { data: patch });
        const record = await store.get(id());
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(Object.getPrototypeOf(record?.data)).toBe(Object.prototype);
        expect(record?.data.constructor).toBe('c');
      });
    });

    describe('concurrency', () => {
      it('100 concurrent joins on one connection lose nothing', async () => {
        await store.register(id());
        const channels = Array.from({ length: 100 }, (_, n) => channel(n));
        await Promise.all(channels.map((ch) => store.join(id(), [ch])));
        expect(sorted((await store.get(id()))?.channels ?? [])).toEqual(sorted(channels));
        for (const ch of channels.slice(0, 5)) expect(await allMembers(ch)).toEqual([id()]);
      });

      it('100 concurrent leaves on one connection lose nothing', async () => {
        const channels = Array.from({ length: 100 }, (_, n) => channel(n));
        await store.register(id(), { channels });
        await Promise.all(channels.slice(0, 60).map((ch) => store.leave(id(), [ch])));
        expect(sorted((await store.get(id()))?.channels ?? [])).toEqual(sorted(channels.slice(60)));
        expect(await allMembers(channel(0))).toEqual([]);
      });

      it('100 connections joining and leaving one channel concurrently end exact', async () => {
        const ids = Array.from({ length: 100 }, (_, n) => id(n));
        await Promise.all(ids.map((cid) => store.register(cid)));
        await Promise.all(ids.map((cid) => store.join(cid, [channel()])));
        expect(sorted(await allMembers(channel()))).toEqual(sorted(ids));
        await Promise.all(
          ids.map((cid, n) =>
            n % 2 === 0 ? store.leave(cid, [channel()]) : store.join(cid, [channel('other')]),
          ),
        );
        expect(sorted(await allMembers(channel()))).toEqual(sorted(ids.filter((_, n) => n % 2 === 1)));
        expect((await allMembers(channel('other'))).length).toBe(50);
      });

      it('interleaved join and leave of different channels on one connection keep both', async () => {
        await store.register(id(), { channels: Array.from({ length: 50 }, (_, n) => channel(`old${n}`)) });
        await Promise.all([
          ...Array.from({ length: 50 }, (_, n) => store.leave(id(), [channel(`old${n}`)])),
          ...Array.from({ length: 50 }, (_, n) => store.join(id(), [channel(`new${n}`)])),
        ]);
        const channels = (await store.get(id()))?.channels ?? [];
        expect(sorted(channels)).toEqual(sorted(Array.from({ length: 50 }, (_, n) => channel(`new${n}`))));
      });
    });

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
        await store.register(id());
        const error = await store.join(id(), [bad]).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(InvalidChannelError);
        expect((error as InvalidChannelError).channel).toBe(bad);
        await expect(store.register(id(2), { channels: ['ok', bad] })).rejects.toBeInstanceOf(
          InvalidChannelError,
        );
        expect(await store.get(id(2))).toBeUndefined();
        await expect(store.members(bad)).rejects.toBeInstanceOf(InvalidChannelError);
      });

      it('rejects non-string channels', async () => {
        await store.register(id());
        await expect(store.join(id(), [42 as unknown as string])).rejects.toBeInstanceOf(InvalidChannelError);
      });

      it.each([
        ['empty', ''],
        ['with a space', 'a b'],
        ['with a newline', 'a\n'],
        ['too long', 'c'.repeat(129)],
        ['non-ASCII', 'connexión'],
      ])('rejects a connection id that is %s', async (_label, bad) => {
        await expect(store.register(bad)).rejects.toBeInstanceOf(InvalidConnectionIdError);
        await expect(store.get(bad)).rejects.toBeInstanceOf(InvalidConnectionIdError);
        await expect(store.unregister(bad)).rejects.toBeInstanceOf(InvalidConnectionIdError);
      });

      it('accepts API Gateway style ids with base64 characters', async () => {
        for (const cid of [`${tag}L0SM9cOFvHcCIhw=`, `${tag}a+b/c==`, `${tag}x_y-z`]) {
          await store.register(cid, { channels: [channel()] });
          expect((await store.get(cid))?.connectionId).toBe(cid);
        }
        expect((await allMembers(channel())).length).toBe(3);
      });

      it('rejects data too large or not a JSON object with a clear error, writing nothing', async () => {
        const big = { blob: 'z'.repeat(40 * 1024) };
        const error = await store.register(id(), { data: big }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(InvalidDataError);
        expect((error as Error).message).toMatch(/exceeds the 32768-byte limit/);
        expect(await store.get(id())).toBeUndefined();
        if (inspector) expect(await inspector.connectionItems(id())).toEqual([]);
        await store.register(id(), { data: { small: true } });
        await expect(store.update(id(), big)).rejects.toBeInstanceOf(InvalidDataError);
        await expect(store.update(id(), [] as unknown as Record<string, unknown>)).rejects.toBeInstanceOf(
          InvalidDataError,
        );
        const circular: Record<string, unknown> = {};
        circular.self = circular;
        await expect(store.update(id(), circular)).rejects.toBeInstanceOf(InvalidDataError);
        expect((await store.get(id()))?.data).toEqual({ small: true });
      });
    });

    describe('channel names', () => {
      const names = [
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

      it('round-trips separators, unicode and look-alikes exactly, without collisions', async () => {
        const chans = names.map((n) => `${tag}${n}`);
        await Promise.all(chans.map((ch, n) => store.register(id(n), { channels: [ch] })));
        for (const [n, ch] of chans.entries()) {
          expect(await allMembers(ch), ch).toEqual([id(n)]);
        }
        const record = await store.get(id(0));
        expect(record?.channels).toEqual([chans[0]]);
      });

      it('keeps a channel name separate from one that is its prefix', async () => {
        await store.register(id(1), { channels: [`${tag}ab`] });
        await store.register(id(2), { channels: [`${tag}a`] });
        expect(await allMembers(`${tag}a`)).toEqual([id(2)]);
        expect(await allMembers(`${tag}ab`)).toEqual([id(1)]);
      });
    });
  });
}
