import { seededRandom } from '@wsapp/local';
import { describe, expect, it } from 'vitest';
import type { SuiteContext } from '../suite-context.js';

const CONNECTIONS = 200;

/**
 * A join/leave storm: 200 connections each run a seeded plan of joins and leaves of one hot
 * channel (and sometimes a second one in the same call), all at once. The final state is exact:
 * the members are those whose last operation was a join, records agree with member lists, and
 * the backdoor agrees too; unregistering everyone concurrently leaves nothing behind.
 */
export function stormGroup(ctx: SuiteContext): void {
  const { id, channel, sorted, allMembers } = ctx;
  const operations = ctx.options.stormOperations ?? 12;

  describe('join/leave storm', () => {
    it(`${CONNECTIONS} concurrent connections joining and leaving one channel: final state exact`, async () => {
      const { store, inspector } = ctx;
      const hot = channel('hot');
      const side = channel('side');
      const raw = async (ch: string) => (await inspector?.channelMembers(ch))?.map((m) => m.connectionId);
      const ids = Array.from({ length: CONNECTIONS }, (_, n) => id(`storm-${n}`));
      await Promise.all(ids.map((cid) => store.register(cid)));
      const expected = new Map<string, Set<string>>(ids.map((cid) => [cid, new Set()]));
      const random = seededRandom(11);
      // Plans drawn up front (seeded), then run all at once.
      const plans = ids.map((cid) =>
        Array.from({ length: operations }, () => ({
          id: cid,
          join: random() < 0.55,
          channels: random() < 0.3 ? [hot, side] : [hot],
        })),
      );
      const started = Date.now();
      await Promise.all(
        plans.map(async (plan) => {
          for (const op of plan) {
            if (op.join) await store.join(op.id, op.channels);
            else await store.leave(op.id, op.channels);
            const held = expected.get(op.id)!;
            for (const c of op.channels) {
              if (op.join) held.add(c);
              else held.delete(c);
            }
          }
        }),
      );
      const elapsed = Date.now() - started;
      for (const ch of [hot, side]) {
        const want = sorted(ids.filter((cid) => expected.get(cid)!.has(ch)));
        expect(sorted(await allMembers(ch)), `members(${ch})`).toEqual(want);
        const backdoor = await raw(ch);
        if (backdoor !== undefined) expect(sorted(backdoor), `backdoor ${ch}`).toEqual(want);
      }
      for (const cid of ids) {
        expect(sorted((await store.get(cid))?.channels ?? [])).toEqual(sorted(expected.get(cid)!));
      }
      console.log(
        `${CONNECTIONS * operations} concurrent join/leave in ${elapsed} ms, final members(hot) = ` +
          `${ids.filter((cid) => expected.get(cid)!.has(hot)).length}, exact`,
      );
      // Unregistering everyone concurrently leaves nothing behind.
      await Promise.all(ids.map((cid) => store.unregister(cid)));
      if (inspector !== undefined) {
        expect(await raw(hot)).toEqual([]);
        expect(await raw(side)).toEqual([]);
        for (const cid of ids) expect(await inspector.connectionItems(cid), cid).toEqual([]);
      }
    }, 120_000);
  });
}
