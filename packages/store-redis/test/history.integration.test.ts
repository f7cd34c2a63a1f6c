import { HISTORY_HEAD_GRACE_SECONDS } from '@wsapp/core';
import { RedisConnectionStore } from '@wsapp/store-redis';
import { TestClock } from '@wsapp/testing';
import type { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterClient, standaloneClient, uniquePrefix } from './clients.js';

/** Counts the commands the client sends (after scripts are loaded): what one call costs. */
function counting(client: Redis | Cluster) {
  const sent: string[] = [];
  const target = client as unknown as { sendCommand: (command: { name: string }) => unknown };
  const original = target.sendCommand.bind(client);
  target.sendCommand = (command) => {
    sent.push(command.name);
    return original(command);
  };
  return {
    async measure(work: () => Promise<unknown>): Promise<string[]> {
      sent.length = 0;
      await work();
      return [...sent];
    },
    restore: () => {
      target.sendCommand = original;
    },
  };
}

const tagOf = (key: string) => key.slice(key.indexOf('{') + 1, key.indexOf('}'));

describe.each([
  ['standalone', standaloneClient],
  ['cluster', clusterClient],
] as const)('Redis channel history (%s)', (_name, connect) => {
  let client: Redis | Cluster;
  beforeAll(async () => {
    client = await connect();
  });
  afterAll(async () => {
    await client?.quit();
  });

  const storeAt = (clock: TestClock) =>
    new RedisConnectionStore({ client, keyPrefix: uniquePrefix(), clock: () => clock.now() });

  it('an append and a read are one EVALSHA each, on the slot of the channel’s two history keys', async () => {
    const store = storeAt(new TestClock());
    await store.loadScripts();
    const meter = counting(client);
    try {
      const append = await meter.measure(() =>
        store.appendHistory('room#1', { messageId: 'a', payload: '1' }),
      );
      const read = await meter.measure(() => store.readHistory('room#1', { since: 0 }));
      expect(append).toEqual(['evalsha']);
      expect(read).toEqual(['evalsha']);
    } finally {
      meter.restore();
    }
    const keys = store.historyKeys('room#1');
    expect(tagOf(keys.stream)).toBe(tagOf(keys.head));
    expect(tagOf(keys.stream)).toBe('h:room#1');
    expect(store.historyKeys('a{b}:c').stream).toContain('{h:a%7Bb%7D%3Ac}');
  });

  it('keys expire by themselves: the stream with its latest entry, the head counter a day later (+ slack)', async () => {
    const clock = new TestClock();
    const store = storeAt(clock);
    const now = Math.floor(clock.now() / 1000);
    await store.appendHistory('ch', { messageId: 'a', payload: '1' }, { maxLength: 5, ttlSeconds: 600 });
    await store.appendHistory('ch', { messageId: 'b', payload: '2' }, { maxLength: 5, ttlSeconds: 60 });
    const { stream, head } = store.historyKeys('ch');
    const slack = store.expirySlackSeconds;
    const streamAt = Number(await client.call('EXPIRETIME', stream));
    const headAt = Number(await client.call('EXPIRETIME', head));
    // The longest-lived entry decides (600 s, not the later 60 s); rounding up adds at most 1 s.
    expect(streamAt - slack - now).toBeGreaterThanOrEqual(600);
    expect(streamAt - slack - now).toBeLessThanOrEqual(601);
    expect(headAt - streamAt).toBeGreaterThanOrEqual(HISTORY_HEAD_GRACE_SECONDS);
    expect(headAt - streamAt).toBeLessThanOrEqual(HISTORY_HEAD_GRACE_SECONDS + 1);
  });

  it('expired entries at the front are deleted from the stream, not only skipped', async () => {
    const clock = new TestClock();
    const store = storeAt(clock);
    for (let n = 0; n < 5; n++) {
      await store.appendHistory(
        'ch',
        { messageId: `m${n}`, payload: '0' },
        { maxLength: 50, ttlSeconds: 10 },
      );
    }
    clock.advance(11_000);
    await store.appendHistory('ch', { messageId: 'late', payload: '0' }, { maxLength: 50, ttlSeconds: 10 });
    const ids = (await client.xrange(store.historyKeys('ch').stream, '-', '+')).map(([id]) => id);
    expect(ids).toEqual(['6-0']);
  });

  it('a since beyond 2^53 reads nothing instead of failing', async () => {
    const store = storeAt(new TestClock());
    await store.appendHistory('ch', { messageId: 'a', payload: '1' });
    const page = await store.readHistory('ch', { since: Number.MAX_SAFE_INTEGER });
    expect(page).toEqual({ entries: [], headSeq: 1, oldestSeq: 1 });
  });
});
