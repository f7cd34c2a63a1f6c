/**
 * Reliability on DynamoDB Local: a property-based proof that different channel names and
 * connection ids never share a partition (raw Query/Scan of the table), with the same hostile
 * names as the Redis suite. (The 200-connection join/leave storm is the conformance suite's
 * `stormGroup`, run by every adapter.)
 */
import { InvalidChannelError, InvalidConnectionIdError } from '@wsapp/core';
import { DynamoDBConnectionStore } from '@wsapp/store-dynamodb';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { LOADED_TIMEOUT_MS, queryAll, scanAll, useTestTable } from '../table.js';

const table = useTestTable('reliability');

const itemCount = async () => (await scanAll(table)).length;

const pieces = fc.constantFrom(
  '#',
  ':',
  '{',
  '}',
  '%',
  '|',
  'a',
  '1',
  'ch#',
  'sh#',
  'c#',
  '#1#',
  '%3A',
  ' ',
  'é',
  '😀',
  '\u0000',
  '\n',
  '\u007f',
  '\ud800',
);
const name = fc.oneof(
  { weight: 6, arbitrary: fc.array(pieces, { minLength: 1, maxLength: 8 }).map((p) => p.join('')) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }) },
  {
    weight: 1,
    arbitrary: fc.tuple(pieces, fc.integer({ min: 500, max: 10_240 })).map(([p, n]) => p.repeat(n)),
  },
);
const idPieces = fc.constantFrom('#', ':', '{', '}', '%', '|', '=', 'A', 'c#', 'ch#', '#c');
const connectionId = fc.oneof(
  { weight: 8, arbitrary: fc.array(idPieces, { minLength: 1, maxLength: 10 }).map((p) => p.join('')) },
  { weight: 1, arbitrary: fc.constantFrom('a b', 'x\u0000', 'é', 'z'.repeat(10_240)) },
);

describe('key layout on DynamoDB: no two names share a partition (property-based)', () => {
  const tried = { channels: 0, rejectedChannels: 0, ids: 0, rejectedIds: 0 };
  afterAll(() => console.log(`dynamodb names tried: ${JSON.stringify(tried)}`));

  it('two different channel names never share a partition or a member list', async () => {
    const store = new DynamoDBConnectionStore({
      tableName: table.tableName,
      client: table.client,
      operationTimeoutMs: LOADED_TIMEOUT_MS,
      consistentMembers: true,
    });
    await fc.assert(
      fc.asyncProperty(name, name, async (n1, n2) => {
        fc.pre(n1 !== n2);
        tried.channels += 2;
        const ok = await Promise.all(
          [n1, n2].map((channel, i) =>
            store.register(`c${i}=`, { channels: [channel] }).then(
              () => true,
              (error: unknown) => {
                expect(error).toBeInstanceOf(InvalidChannelError);
                tried.rejectedChannels++;
                return false;
              },
            ),
          ),
        );
        try {
          const accepted = ok.filter(Boolean).length;
          expect(await itemCount()).toBe(accepted * 2); // a connection item + one membership each
          for (const [i, channel] of [n1, n2].entries()) {
            if (!ok[i]) continue;
            const [pk] = store.channelPartitionKeys(channel);
            expect((await queryAll(table.client, table.tableName, pk!)).map((item) => item.sk?.S)).toEqual([
              `c${i}=`,
            ]);
            expect((await store.members(channel)).connectionIds).toEqual([`c${i}=`]);
          }
          if (ok[0] && ok[1]) {
            expect(store.channelPartitionKeys(n1)[0]).not.toBe(store.channelPartitionKeys(n2)[0]);
          }
        } finally {
          await Promise.all([store.unregister('c0='), store.unregister('c1=')]);
        }
        expect(await itemCount()).toBe(0);
      }),
      { numRuns: 100 },
    );
  }, 180_000);

  it('two different connection ids never share an item', async () => {
    const store = new DynamoDBConnectionStore({
      tableName: table.tableName,
      client: table.client,
      operationTimeoutMs: LOADED_TIMEOUT_MS,
      consistentMembers: true,
    });
    await fc.assert(
      fc.asyncProperty(connectionId, connectionId, async (id1, id2) => {
        fc.pre(id1 !== id2);
        tried.ids += 2;
        const ok = await Promise.all(
          [id1, id2].map((id) =>
            store.register(id, { channels: ['room'], data: { id } }).then(
              () => true,
              (error: unknown) => {
                expect(error).toBeInstanceOf(InvalidConnectionIdError);
                tried.rejectedIds++;
                return false;
              },
            ),
          ),
        );
        const accepted = [id1, id2].filter((_, i) => ok[i]);
        try {
          expect(await itemCount()).toBe(accepted.length * 2);
          expect((await store.members('room')).connectionIds.sort()).toEqual([...accepted].sort());
          for (const id of accepted) expect((await store.get(id))?.data).toEqual({ id });
        } finally {
          await Promise.all(accepted.map((id) => store.unregister(id)));
        }
        expect(await itemCount()).toBe(0);
      }),
      { numRuns: 100 },
    );
  }, 180_000);
});
