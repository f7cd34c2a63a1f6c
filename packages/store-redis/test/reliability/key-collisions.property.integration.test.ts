/**
 * Reliability / bad input: channel names and connection ids built from the characters the key
 * layout uses as separators (`#`, `:`, `{`, `}`, `%`, `|`), escape look-alikes (`%3A`), control
 * characters, unicode and 10 KB strings are either rejected with nothing written, or stored under
 * keys no other name shares — proven with backdoor reads of the real Redis (standalone and Cluster):
 * the keys of two names are distinct strings, all exist, and each member set holds only its own
 * connection. (No SCAN: the shared servers hold other tests' keys, which would make it slow.)
 */
import { InvalidChannelError, InvalidConnectionIdError } from '@wsapp/core';
import { RedisConnectionStore } from '@wsapp/store-redis';
import fc from 'fast-check';
import type { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterClient, standaloneClient, uniquePrefix } from '../clients.js';

const pieces = fc.constantFrom(
  '#',
  ':',
  '{',
  '}',
  '%',
  '|',
  'a',
  'b',
  '%25',
  '%3A',
  '%7B',
  '%7D',
  '{c:',
  '}:l',
  '}:r',
  'user#',
  'room:',
  ' ',
  'é',
  '😀',
  '\u0000',
  '\n',
  '\u007f',
  '\u0085',
  '\ud800',
);
/** Names made of separators and look-alikes, plus arbitrary unicode and 10 KB strings. */
const name = fc.oneof(
  { weight: 6, arbitrary: fc.array(pieces, { minLength: 1, maxLength: 8 }).map((p) => p.join('')) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }) },
  {
    weight: 1,
    arbitrary: fc.tuple(pieces, fc.integer({ min: 500, max: 10_240 })).map(([p, n]) => p.repeat(n)),
  },
);
/** Connection ids: printable ASCII with separators, a few invalid ones. */
const idPieces = fc.constantFrom('#', ':', '{', '}', '%', '|', '=', 'A', 'b', '%3A', '{c:', '}:s');
const connectionId = fc.oneof(
  { weight: 8, arbitrary: fc.array(idPieces, { minLength: 1, maxLength: 10 }).map((p) => p.join('')) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom('a b', 'x\u0000', 'é', 'z'.repeat(10_240), '') },
);

/** Backdoor: which of these exact keys exist (no SCAN: the shared servers hold other tests' keys). */
async function existing(client: Redis | Cluster, keys: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const key of keys) if ((await client.exists(key)) === 1) found.push(key);
  return found;
}

const tried = { channels: 0, rejectedChannels: 0, ids: 0, rejectedIds: 0 };

describe.each([
  ['standalone', standaloneClient],
  ['cluster', clusterClient],
] as const)('key layout on Redis %s: no two names share a key (property-based)', (_kind, connect) => {
  let client: Redis | Cluster;
  beforeAll(async () => {
    client = await connect();
  });
  afterAll(async () => {
    console.log(`names tried: ${JSON.stringify(tried)}`);
    client?.disconnect();
  });

  it('two different channel names never share a key or a member list', async () => {
    const prefix = uniquePrefix();
    const store = new RedisConnectionStore({ client, keyPrefix: prefix });
    await fc.assert(
      fc.asyncProperty(name, name, async (n1, n2) => {
        fc.pre(n1 !== n2);
        tried.channels += 2;
        const outcomes = await Promise.all(
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
          const accepted = [n1, n2].filter((_, i) => outcomes[i]);
          // Two keys per connection and two per channel, all distinct: a collision would leave fewer.
          const keys = new Set(
            accepted.flatMap((channel) => {
              const i = channel === n1 ? 0 : 1;
              const c = store.keys.connection(`c${i}=`);
              const m = store.keys.channel(channel);
              return [c.record, c.channels, m.lex, m.expiry];
            }),
          );
          expect(keys.size).toBe(accepted.length * 4);
          expect(await existing(client, [...keys])).toHaveLength(accepted.length * 4);
          for (const [i, channel] of [n1, n2].entries()) {
            if (!outcomes[i]) continue;
            // Backdoor: the member set under this name's key holds only its own connection.
            expect(await client.zrange(store.keys.channel(channel).lex, 0, -1)).toEqual([`c${i}=`]);
            expect((await store.members(channel)).connectionIds).toEqual([`c${i}=`]);
            expect((await store.get(`c${i}=`))?.channels).toEqual([channel]);
          }
        } finally {
          await Promise.all([store.unregister('c0='), store.unregister('c1=')]);
        }
        const all = [n1, n2].flatMap((channel, i) => {
          const c = store.keys.connection(`c${i}=`);
          const m = store.keys.channel(channel);
          return [c.record, c.channels, m.lex, m.expiry];
        });
        expect(await existing(client, all)).toEqual([]);
      }),
      { numRuns: 1_000 },
    );
  }, 120_000);

  it('two different connection ids never share a key', async () => {
    const prefix = uniquePrefix();
    const store = new RedisConnectionStore({ client, keyPrefix: prefix });
    await fc.assert(
      fc.asyncProperty(connectionId, connectionId, async (id1, id2) => {
        fc.pre(id1 !== id2);
        tried.ids += 2;
        const outcomes = await Promise.all(
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
        const accepted = [id1, id2].filter((_, i) => outcomes[i]);
        try {
          // Two keys per connection, all distinct, plus the channel's two.
          const keys = new Set(
            accepted.flatMap((id) => [store.keys.connection(id).record, store.keys.connection(id).channels]),
          );
          expect(keys.size).toBe(accepted.length * 2);
          expect(await existing(client, [...keys])).toHaveLength(accepted.length * 2);
          expect((await store.members('room')).connectionIds.sort()).toEqual([...accepted].sort());
          for (const id of accepted) {
            expect(await client.hget(store.keys.connection(id).record, 'id')).toBe(id);
            expect((await store.get(id))?.data).toEqual({ id });
          }
        } finally {
          await Promise.all(accepted.map((id) => store.unregister(id)));
        }
        const room = store.keys.channel('room');
        const left = accepted.flatMap((id) => [
          store.keys.connection(id).record,
          store.keys.connection(id).channels,
        ]);
        expect(await existing(client, [...left, room.lex, room.expiry])).toEqual([]);
      }),
      { numRuns: 1_000 },
    );
  }, 120_000);
});
