/**
 * Many channels on one connection, on DynamoDB Local: join/leave/setChannels/touch/unregister
 * racing one another with lists beyond one transaction (100 items). Read straight from the table:
 * after the calls settle, the memberships of the connection are exactly the channels its record
 * lists (none without it), and after `unregister` none is left.
 */
import { DynamoDBConnectionStore } from '@wsapp/store-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LOADED_TIMEOUT_MS, rawConnectionItem, scanAll, useTestTable } from '../table.js';

const table = useTestTable('many-channels');

/** Channels of the live membership items of `connectionId`, raw (a Scan of the test's own table). */
async function membershipsOf(connectionId: string): Promise<string[]> {
  const items = await scanAll(table, {
    expression: 'sk = :id AND begins_with(pk, :ch)',
    values: { ':id': { S: connectionId }, ':ch': { S: 'ch#' } },
  });
  return items.map((item) => item.pk!.S!.slice(3)).sort();
}

/** The channel set of the raw connection item; `undefined` when there is none. */
async function recordChannels(connectionId: string): Promise<string[] | undefined> {
  const item = await rawConnectionItem(table, connectionId);
  return item === undefined ? undefined : [...(item.channels?.SS ?? [])].sort();
}

/** The invariant: memberships are exactly what the record lists; no record, no membership. */
async function expectConsistent(connectionId: string, context: string): Promise<void> {
  const listed = await recordChannels(connectionId);
  const members = await membershipsOf(connectionId);
  expect(members, `${context}: memberships equal the record's channels`).toEqual(listed ?? []);
}

const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const settle = (work: Array<Promise<unknown>>) => Promise.allSettled(work);

function storeOf(extra: Partial<ConstructorParameters<typeof DynamoDBConnectionStore>[0]> = {}) {
  return new DynamoDBConnectionStore({
    tableName: table.tableName,
    client: table.client,
    operationTimeoutMs: LOADED_TIMEOUT_MS,
    consistentMembers: true,
    ...extra,
  });
}

describe('many channels on one connection: memberships always match the record', () => {
  it('join(150) racing leave(same 150), 6 rounds', async () => {
    const store = storeOf();
    const channels = names('jl-', 150);
    for (let round = 0; round < 6; round++) {
      const id = `jl-${round}=`;
      await store.register(id);
      await settle([store.join(id, channels), store.leave(id, channels)]);
      await expectConsistent(id, `round ${round}`);
      await store.unregister(id);
      expect(await membershipsOf(id), `round ${round}: nothing after unregister`).toEqual([]);
    }
  }, 120_000);

  it('join(150) racing unregister leaves no membership', async () => {
    const store = storeOf();
    const channels = names('ju-', 150);
    // The unregister starts later each round, to land inside the join's successive writes.
    for (const [round, delayMs] of [0, 10, 20, 40, 60, 90, 130].entries()) {
      const id = `ju-${round}=`;
      await store.register(id, { channels: ['base'] });
      await settle([store.join(id, channels), sleep(delayMs).then(() => store.unregister(id))]);
      await store.unregister(id);
      expect(await recordChannels(id)).toBeUndefined();
      expect(await membershipsOf(id), `round ${round}`).toEqual([]);
    }
  }, 120_000);

  it('2,000 channels (short names): register, join and leave racing, then unregister', async () => {
    const store = storeOf({ maxChannelBytes: 16, maxChannelsPerConnection: 2000 });
    const id = 'big=';
    const first = names('b', 2000);
    await store.register(id, { channels: first.slice(0, 1000) });
    await settle([store.join(id, first), store.leave(id, first.slice(500, 1500))]);
    await expectConsistent(id, '2,000 channels');
    await store.unregister(id);
    expect(await membershipsOf(id)).toEqual([]);
  }, 180_000);

  it('random concurrent join/leave/setChannels/touch/unregister with 1–250 channels (model-based, seeded)', async () => {
    const store = storeOf();
    const pool = names('m', 260);
    const sizes = [1, 99, 100, 101, 150, 250];
    const list = fc
      .tuple(fc.constantFrom(...sizes), fc.nat({ max: 259 }))
      .map(([n, offset]) => Array.from({ length: n }, (_, i) => pool[(offset + i) % pool.length]!));
    const op = fc.oneof(
      { weight: 4, arbitrary: list.map((channels) => ({ kind: 'join' as const, channels })) },
      { weight: 4, arbitrary: list.map((channels) => ({ kind: 'leave' as const, channels })) },
      { weight: 2, arbitrary: list.map((channels) => ({ kind: 'setChannels' as const, channels })) },
      { weight: 1, arbitrary: fc.constant({ kind: 'touch' as const, channels: [] as string[] }) },
      { weight: 2, arbitrary: fc.constant({ kind: 'unregister' as const, channels: [] as string[] }) },
    );
    let run = 0;
    const tally = { calls: 0, notFound: 0, maxChannels: 0 };
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(list, fc.array(op, { minLength: 2, maxLength: 4 }), async (initial, ops) => {
        const id = `model-${run++}=`;
        await store.register(id, { channels: initial });
        const results = await settle(
          ops.map((o) => {
            if (o.kind === 'touch') return store.touch(id);
            if (o.kind === 'unregister') return store.unregister(id);
            return store[o.kind](id, o.channels);
          }),
        );
        tally.calls += results.length;
        for (const o of ops) tally.maxChannels = Math.max(tally.maxChannels, o.channels.length);
        for (const r of results) {
          // A call may lose to a concurrent unregister (ConnectionNotFoundError); nothing else.
          if (r.status === 'rejected') expect((r.reason as Error).name).toBe('ConnectionNotFoundError');
          if (r.status === 'rejected') tally.notFound++;
        }
        await expectConsistent(id, JSON.stringify(ops.map((o) => [o.kind, o.channels.length])));
        await store.unregister(id);
        expect(await membershipsOf(id)).toEqual([]);
      }),
      { numRuns: 20, seed: 20261201, endOnFailure: true },
    );
    console.log(
      `dynamodb many channels: ${run} runs, ${tally.calls} concurrent calls (up to ${tally.maxChannels} channels), ` +
        `${tally.notFound} lost to a concurrent unregister, memberships = record in every run, ${Date.now() - started} ms`,
    );
  }, 300_000);
});
