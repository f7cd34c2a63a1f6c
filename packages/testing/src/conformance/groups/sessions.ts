import { type ConnectionStore, TooManyChannelsError, UNKNOWN_START } from '@wsapp/core';
import { describe, expect, it } from 'vitest';
import { sessionsOf } from '../session-store.js';
import type { SuiteContext } from '../suite-context.js';
import { wsappErrorOf } from '../wsapp-error-of.js';
import { HOSTILE_CHANNEL_NAMES } from './channel-names.js';

const TTL = 600;
/** Concurrent claimants per trial, and trials, of the exactly-once cases. */
const CLAIMANTS = 12;
const TRIALS = 30;

/**
 * Sessions (see `session-record.ts` in `@wsapp/core`): the holder-conditional writes, the
 * exactly-once claim under concurrency (through several store instances over one backend when the
 * suite has `sharedBackend`), marks and the closing snapshot, expiry (checked in the backend too)
 * and a session of the most channels the store allows, with 512-byte names.
 */
export function sessionsGroup(ctx: SuiteContext): void {
  const sid = (n: number | string = 0) => `${ctx.tag}s${n}`;
  /** The test's store and more over the same backend (or itself again). */
  const instances = async (count: number): Promise<ConnectionStore[]> => {
    const stores = [ctx.store];
    while (stores.length < count) {
      stores.push(ctx.options.sharedBackend === true ? (await ctx.createStore({})).store : ctx.store);
    }
    return stores;
  };

  describe.skipIf(ctx.options.sessions === false)('sessions', () => {
    it('a claim creates an absent session; only a claim naming its holder takes it over, keeping its channels', async () => {
      const s = sessionsOf(ctx.store);
      expect(await s.read(sid())).toBeUndefined();
      expect(await s.claim(sid(), ctx.id(0), ctx.id(1), TTL)).toEqual({
        channels: {},
        closed: false,
        created: true,
      });
      expect(await s.read(sid())).toEqual({
        sessionId: sid(),
        holder: ctx.id(1),
        channels: {},
        closed: false,
        expiresAt: ctx.nowSeconds() + TTL,
      });
      expect(await s.mark(sid(), ctx.id(1), { add: { [ctx.channel(1)]: 7 } }, TTL)).toBe(true);
      // The token of connection 0 was used: claims naming it are refused and change nothing.
      expect(await s.claim(sid(), ctx.id(0), ctx.id(2), TTL)).toBeUndefined();
      expect((await s.read(sid()))?.holder).toBe(ctx.id(1));
      const taken = await s.claim(sid(), ctx.id(1), ctx.id(2), TTL);
      expect(taken).toEqual({ channels: { [ctx.channel(1)]: 7 }, closed: false, created: false });
      expect(await s.read(sid())).toMatchObject({ holder: ctx.id(2), channels: { [ctx.channel(1)]: 7 } });
    });

    it(`of ${CLAIMANTS} concurrent claims naming the holder exactly one succeeds (${TRIALS} trials)`, async () => {
      const stores = await instances(3);
      for (let trial = 0; trial < TRIALS; trial++) {
        const id = sid(`t${trial}`);
        // Odd trials race on an existing session, even ones on an absent one.
        if (trial % 2 === 1)
          await sessionsOf(stores[0]!).mark(id, ctx.id('old'), { add: { [ctx.channel()]: 3 } }, TTL);
        const answers = await Promise.all(
          Array.from({ length: CLAIMANTS }, (_, k) =>
            sessionsOf(stores[k % stores.length]!).claim(id, ctx.id('old'), ctx.id(`new${k}`), TTL),
          ),
        );
        const winners = answers.flatMap((answer, k) => (answer === undefined ? [] : [k]));
        expect(winners, `trial ${trial}`).toHaveLength(1);
        const winner = winners[0]!;
        expect((await sessionsOf(stores[1]!).read(id))?.holder).toBe(ctx.id(`new${winner}`));
        expect(answers[winner]?.channels).toEqual(trial % 2 === 1 ? { [ctx.channel()]: 3 } : {});
      }
    });

    it(`a claim racing the holder's close: the claim always succeeds and says closed exactly when the close did (${TRIALS} trials)`, async () => {
      const stores = await instances(2);
      for (let trial = 0; trial < TRIALS; trial++) {
        const id = sid(`r${trial}`);
        const [a, b] = [sessionsOf(stores[0]!), sessionsOf(stores[1]!)];
        await a.mark(id, ctx.id('old'), { add: { [ctx.channel(1)]: 5 } }, TTL);
        const [closed, claim] = await Promise.all([
          a.close(id, ctx.id('old'), [ctx.channel(1), ctx.channel(2)], 60),
          b.claim(id, ctx.id('old'), ctx.id('new'), TTL),
        ]);
        expect(claim, `trial ${trial}`).toBeDefined();
        // A close that succeeded came before the claim, whose answer is then its snapshot.
        expect(claim?.closed, `trial ${trial}`).toBe(closed);
        if (closed) expect(claim?.channels).toEqual({ [ctx.channel(1)]: 5, [ctx.channel(2)]: UNKNOWN_START });
        else expect(claim?.channels).toEqual({ [ctx.channel(1)]: 5 });
        expect(await a.read(id)).toMatchObject({ holder: ctx.id('new'), closed: false });
      }
    });

    it('marks: only the holder writes; a start once known is kept, unknown ones are replaced, remove then add overwrites', async () => {
      const s = sessionsOf(ctx.store);
      const [a, b, c] = [ctx.channel('a'), ctx.channel('b'), ctx.channel('c')];
      expect(await s.mark(sid(), ctx.id(1), { add: { [a]: 4, [b]: UNKNOWN_START } }, TTL)).toBe(true);
      expect(await s.mark(sid(), ctx.id(1), { add: { [a]: 9, [b]: 2, [c]: 0 } }, TTL)).toBe(true);
      expect((await s.read(sid()))?.channels).toEqual({ [a]: 4, [b]: 2, [c]: 0 });
      expect(await s.mark(sid(), ctx.id(2), { add: { [a]: 1 }, remove: [b] }, TTL)).toBe(false);
      expect((await s.read(sid()))?.channels).toEqual({ [a]: 4, [b]: 2, [c]: 0 });
      expect(await s.mark(sid(), ctx.id(1), { remove: [a, b], add: { [a]: 11 } }, TTL)).toBe(true);
      expect((await s.read(sid()))?.channels).toEqual({ [a]: 11, [c]: 0 });
    });

    it('concurrent marks of one holder lose none of them', async () => {
      const stores = await instances(3);
      const channels = Array.from({ length: 24 }, (_, k) => ctx.channel(`m${k}`));
      const results = await Promise.all(
        channels.map((ch, k) =>
          sessionsOf(stores[k % stores.length]!).mark(sid(), ctx.id(1), { add: { [ch]: k } }, TTL),
        ),
      );
      expect(results.every(Boolean)).toBe(true);
      expect((await sessionsOf(ctx.store).read(sid()))?.channels).toEqual(
        Object.fromEntries(channels.map((ch, k) => [ch, k])),
      );
    });

    it('close: the channels become exactly the snapshot, starts kept, the rest unknown; closed; a shorter expiry, in the backend too', async () => {
      const s = sessionsOf(ctx.store);
      const [a, b, c] = [ctx.channel('a'), ctx.channel('b'), ctx.channel('c')];
      await s.mark(sid(), ctx.id(1), { add: { [a]: 3, [b]: 8 } }, TTL);
      expect(await s.close(sid(), ctx.id(2), [a], 60)).toBe(false);
      expect(await s.close(sid(), ctx.id(1), [a, c], 60)).toBe(true);
      const closed = await s.read(sid());
      expect(closed).toEqual({
        sessionId: sid(),
        holder: ctx.id(1),
        channels: { [a]: 3, [c]: UNKNOWN_START },
        closed: true,
        expiresAt: ctx.nowSeconds() + 60,
      });
      const items = await ctx.inspector?.sessionItems?.(sid());
      if (items !== undefined) {
        expect(items.length).toBeGreaterThan(0);
        for (const item of items) expect(item.expiresAt, item.key).toBe(ctx.nowSeconds() + 60);
      }
      // A close of an absent session creates it (a holder that never marked).
      expect(await s.close(sid(2), ctx.id(5), [b], 60)).toBe(true);
      expect((await s.read(sid(2)))?.channels).toEqual({ [b]: UNKNOWN_START });
    });

    it('an expired session is never returned, and a claim of it creates a new one whoever it names', async () => {
      const s = sessionsOf(ctx.store);
      await s.close(sid(), ctx.id(1), [ctx.channel()], 30);
      ctx.clock.advance(29_000);
      expect((await s.read(sid()))?.closed).toBe(true);
      ctx.clock.advance(1_000);
      expect(await s.read(sid())).toBeUndefined();
      expect(await s.mark(sid(), ctx.id(9), { add: { [ctx.channel(2)]: 1 } }, TTL)).toBe(true);
      expect((await s.read(sid()))?.channels).toEqual({ [ctx.channel(2)]: 1 });
      ctx.clock.advance(TTL * 1000);
      expect(await s.claim(sid(), ctx.id('anyone'), ctx.id(3), TTL)).toEqual({
        channels: {},
        closed: false,
        created: true,
      });
      const items = await ctx.inspector?.sessionItems?.(sid());
      if (items !== undefined) for (const item of items) expect(item.expiresAt).toBe(ctx.nowSeconds() + TTL);
    });

    it('holds the most channels the store allows, with 512-byte and hostile names; one more is refused, nothing written', async () => {
      const s = sessionsOf(ctx.store);
      const max = (ctx.store as { maxChannelsPerConnection?: number }).maxChannelsPerConnection ?? 1000;
      const names = [...HOSTILE_CHANNEL_NAMES.map((n) => `${ctx.tag}${n}`)];
      for (let k = 0; names.length < max; k++) names.push(`${ctx.tag}${k}:`.padEnd(512, 'x'));
      expect(await s.close(sid(), ctx.id(1), names, TTL)).toBe(true);
      const starts = Object.fromEntries(names.slice(0, 50).map((n, k) => [n, k]));
      expect(await s.mark(sid(), ctx.id(1), { add: starts }, TTL)).toBe(true);
      const read = await s.read(sid());
      expect(Object.keys(read?.channels ?? {}).sort()).toEqual([...names].sort());
      for (const [n, k] of Object.entries(starts)) expect(read?.channels[n]).toBe(k);
      await expect(
        s.mark(sid(), ctx.id(1), { add: { [ctx.channel('one-more')]: 1 } }, TTL),
      ).rejects.toSatisfy(wsappErrorOf(TooManyChannelsError));
      expect(Object.keys((await s.read(sid()))?.channels ?? {})).toHaveLength(names.length);
    });

    it('refuses bad ids, channel names and starts before writing', async () => {
      const s = sessionsOf(ctx.store);
      await expect(s.claim('', ctx.id(0), ctx.id(1), TTL)).rejects.toThrow(RangeError);
      await expect(s.claim('a b', ctx.id(0), ctx.id(1), TTL)).rejects.toThrow(RangeError);
      await expect(s.claim(sid(), 'has space', ctx.id(1), TTL)).rejects.toThrow();
      await expect(s.mark(sid(), ctx.id(1), { add: { '': 1 } }, TTL)).rejects.toThrow();
      await expect(s.mark(sid(), ctx.id(1), { add: { [ctx.channel()]: -2 } }, TTL)).rejects.toThrow(
        RangeError,
      );
      await expect(s.mark(sid(), ctx.id(1), { add: { [ctx.channel()]: 1.5 } }, TTL)).rejects.toThrow(
        RangeError,
      );
      await expect(s.close(sid(), ctx.id(1), [ctx.channel()], 0)).rejects.toThrow(RangeError);
      expect(await s.read(sid())).toBeUndefined();
    });

    it('channel names are data: __proto__ is a channel like any other', async () => {
      const s = sessionsOf(ctx.store);
      const add = JSON.parse('{"__proto__": 5, "constructor": 6}') as Record<string, number>;
      expect(await s.mark(sid(), ctx.id(1), { add }, TTL)).toBe(true);
      const channels = (await s.read(sid()))?.channels ?? {};
      expect(Object.hasOwn(channels, '__proto__')).toBe(true);
      expect(Object.getOwnPropertyDescriptor(channels, '__proto__')?.value).toBe(5);
      expect(channels.constructor).toBe(6);
      expect(Object.getPrototypeOf(channels)).toBe(Object.prototype);
    });
  });
}
