/**
 * Reliability: 200 connections storm one channel with concurrent join/leave (and joins of a second
 * channel in the same call) on each real backend. The final state is exact: the members are those
 * whose last operation was a join, records agree with member lists, and the backdoor agrees too.
 */
import type { ConnectionStore } from '@wsapp/core';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { RedisConnectionStore } from '@wsapp/store-redis';
import { seededRandom } from '@wsapp/testing';
import type { Cluster, Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { clusterClient, standaloneClient, uniquePrefix } from '../clients.js';

const CONNECTIONS = 200;
const OPS_PER_CONNECTION = 12;

interface Backend {
  store: ConnectionStore;
  /** Backdoor: member ids of a channel as written in the backend. */
  raw(channel: string): Promise<string[]>;
  close(): Promise<void>;
}

const backends: Array<[string, () => Promise<Backend>]> = [
  [
    'memory',
    async () => {
      const store = new MemoryConnectionStore();
      return {
        store,
        raw: async (channel) =>
          store
            .inspect()
            .memberships.filter((m) => m.channel === channel)
            .map((m) => m.connectionId),
        close: async () => {},
      };
    },
  ],
  ['redis standalone', () => redisBackend(standaloneClient)],
  ['redis cluster', () => redisBackend(clusterClient)],
];

async function redisBackend(connect: () => Promise<Redis | Cluster>): Promise<Backend> {
  const client = await connect();
  const store = new RedisConnectionStore({ client, keyPrefix: uniquePrefix() });
  return {
    store,
    raw: (channel) => client.zrange(store.keys.channel(channel).lex, 0, -1),
    close: async () => client.disconnect(),
  };
}

describe.each(backends)('join/leave storm on %s', (name, open) => {
  it(`${CONNECTIONS} concurrent connections joining and leaving one channel: final state exact`, async () => {
    const { store, raw, close } = await open();
    try {
      const ids = Array.from({ length: CONNECTIONS }, (_, i) => `storm-${i}=`);
      await Promise.all(ids.map((id) => store.register(id)));
      const expected = new Map<string, Set<string>>(ids.map((id) => [id, new Set()]));
      const random = seededRandom(11);
      // Plans drawn up front (seeded), then run all at once.
      const plans = ids.map((id) =>
        Array.from({ length: OPS_PER_CONNECTION }, () => ({
          id,
          join: random() < 0.55,
          channels: random() < 0.3 ? ['hot', 'side'] : ['hot'],
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
      for (const channel of ['hot', 'side']) {
        const want = ids.filter((id) => expected.get(id)!.has(channel)).sort();
        const members: string[] = [];
        for await (const id of store.allMembers(channel)) members.push(id);
        expect(members.sort(), `members(${channel})`).toEqual(want);
        expect((await raw(channel)).sort(), `backdoor ${channel}`).toEqual(want);
      }
      for (const id of ids) {
        expect((await store.get(id))?.channels.sort()).toEqual([...expected.get(id)!].sort());
      }
      console.log(
        `${name}: ${CONNECTIONS * OPS_PER_CONNECTION} concurrent join/leave in ${elapsed} ms, ` +
          `final members(hot) = ${ids.filter((id) => expected.get(id)!.has('hot')).length}, exact`,
      );
      // Unregistering everyone concurrently leaves nothing behind.
      await Promise.all(ids.map((id) => store.unregister(id)));
      expect(await raw('hot')).toEqual([]);
      expect(await raw('side')).toEqual([]);
    } finally {
      await close();
    }
  });
});
