import { createHash } from 'node:crypto';
import { InvalidCursorError } from '@wsapp/core';
import { RedisConnectionStore } from '@wsapp/store-redis';
import { TestClock } from '@wsapp/testing';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flaggedScript, SCRIPT_MEMORY } from '../src/script-memory.js';
import { SCRIPTS } from '../src/scripts.js';
import { STALE_SCRIPTS } from '../src/stale-scripts.js';
import { clusterClient, standaloneClient, uniquePrefix } from './clients.js';
import { redisClusterNodes, redisUrl } from './redis-endpoints.js';

const weirdNames = [
  'ticker#AMZN',
  'room:lobby',
  '{slot}',
  'a{b}c',
  '}{',
  '%7B',
  '%',
  'a:b}:x',
  '🚀 launch',
  '聊天室',
  'e\u0301',
  'é',
  ' ',
  '*',
  '[x]',
];

/** Every key under `prefix` on every server behind `client`. */
async function keysUnder(client: Redis | Cluster, prefix: string): Promise<string[]> {
  const servers = client.isCluster ? (client as Cluster).nodes('master') : [client as Redis];
  const found: string[] = [];
  for (const server of servers) {
    let cursor = '0';
    do {
      const [next, keys] = await server.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      found.push(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
  return found;
}

describe.each([
  ['standalone', standaloneClient],
  ['cluster', clusterClient],
] as const)('RedisConnectionStore specifics (%s)', (mode, connect) => {
  let client: Redis | Cluster;
  let clock: TestClock;
  let store: RedisConnectionStore;
  let prefix: string;

  beforeAll(async () => {
    client = await connect();
  });
  afterAll(async () => {
    await client?.quit();
  });
  const fresh = () => {
    clock = new TestClock();
    prefix = uniquePrefix();
    store = new RedisConnectionStore({ client, keyPrefix: prefix, clock: () => clock.now() });
    return store;
  };
  const expireTime = async (key: string) => Number(await client.call('EXPIRETIME', key));

  it('sets EXPIREAT = expiresAt + slack on connection keys and the latest member expiry + slack on channel keys', async () => {
    fresh();
    const a = await store.register('a=', { channels: ['ch'], ttlSeconds: 100 });
    const b = await store.register('b=', { channels: ['ch'], ttlSeconds: 500 });
    const slack = store.expirySlackSeconds;
    expect(slack).toBe(30);
    for (const [record, id] of [
      [a, 'a='],
      [b, 'b='],
    ] as const) {
      const conn = store.keys.connection(id);
      expect(await expireTime(conn.record)).toBe(record.expiresAt + slack);
      expect(await expireTime(conn.channels)).toBe(record.expiresAt + slack);
    }
    const ch = store.keys.channel('ch');
    expect(await expireTime(ch.lex)).toBe(b.expiresAt + slack);
    expect(await expireTime(ch.expiry)).toBe(b.expiresAt + slack);
    expect(await client.zscore(ch.expiry, 'a=')).toBe(String(a.expiresAt));
    expect(await client.zscore(ch.lex, 'a=')).toBe('0');
    await store.unregister('b=');
    expect(await expireTime(ch.lex)).toBe(a.expiresAt + slack);
    await store.touch('a=', 1000);
    expect(await expireTime(ch.expiry)).toBe(Math.floor(clock.now() / 1000) + 1000 + slack);
    await store.unregister('a=');
    expect(await keysUnder(client, prefix)).toEqual([]);
  });

  it('derives the same keys in Lua as in TypeScript for any name: nothing is left behind', async () => {
    fresh();
    await store.register('w{1}:x=', { channels: weirdNames });
    await store.touch('w{1}:x=', 300);
    await store.register('w{1}:x=', { channels: weirdNames.slice(0, 3) }); // drops the others
    for (const name of weirdNames.slice(3)) expect((await store.members(name)).connectionIds).toEqual([]);
    for (const name of weirdNames.slice(0, 3))
      expect((await store.members(name)).connectionIds).toEqual(['w{1}:x=']);
    await store.unregister('w{1}:x=');
    expect(await keysUnder(client, prefix)).toEqual([]);
  });

  it('works under a client-level ioredis keyPrefix', async () => {
    const own =
      mode === 'cluster'
        ? new Cluster(await redisClusterNodes(), { keyPrefix: 'cp:' })
        : new Redis(await redisUrl(), { keyPrefix: 'cp:' });
    try {
      const p = uniquePrefix();
      const s = new RedisConnectionStore({ client: own, keyPrefix: p });
      await s.register('k=', { channels: ['x', 'y'] });
      await s.register('k=', { channels: ['y'] });
      expect((await s.members('x')).connectionIds).toEqual([]);
      expect((await s.members('y')).connectionIds).toEqual(['k=']);
      await s.touch('k=');
      expect((await keysUnder(client, `cp:${p}`)).length).toBe(4);
      await s.unregister('k=');
      expect(await keysUnder(client, `cp:${p}`)).toEqual([]);
    } finally {
      await own.quit();
    }
  });

  it('cursors are opaque base64url, bound to their channel, and validated', async () => {
    fresh();
    for (let n = 0; n < 5; n++) await store.register(`c${n}=`, { channels: ['one', 'two'] });
    const page = await store.members('one', { limit: 2 });
    expect(page.connectionIds).toEqual(['c0=', 'c1=']);
    expect(page.cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    await expect(store.members('two', { cursor: page.cursor! })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(store.members('one', { cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(
      store.members('one', { cursor: Buffer.from('[1,"x",""]').toString('base64url') }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
    const rest = await store.members('one', { cursor: page.cursor! });
    expect(rest).toEqual({ connectionIds: ['c2=', 'c3=', 'c4='] });
  });

  it('purges expired memberships lazily when a channel is read', async () => {
    fresh();
    await store.register('old=', { channels: ['p'], ttlSeconds: 60 });
    await store.register('new=', { channels: ['p'], ttlSeconds: 600 });
    clock.advance(61_000);
    expect((await store.members('p')).connectionIds).toEqual(['new=']);
    const ch = store.keys.channel('p');
    expect(await client.zrange(ch.lex, 0, -1)).toEqual(['new=']);
    expect(await client.zrange(ch.expiry, 0, -1)).toEqual(['new=']);
  });

  it.runIf(mode === 'cluster')(
    'never returns memberships a crash left behind (verified against the connection)',
    async () => {
      fresh();
      await store.register('live=', { channels: ['v'] });
      await store.register('elsewhere=', { channels: ['other'] });
      const ch = store.keys.channel('v');
      const future = Math.floor(clock.now() / 1000) + 3600;
      // As if a crash hit between the slots: index entries whose connection is gone or lists another channel.
      await client.zadd(ch.lex, 0, 'ghost=', 0, 'elsewhere=');
      await client.zadd(ch.expiry, future, 'ghost=', future, 'elsewhere=');
      expect((await store.members('v')).connectionIds).toEqual(['live=']);
    },
  );
});

describe.each([
  ['standalone', standaloneClient],
  ['cluster', clusterClient],
] as const)('racing join and leave of one channel (%s)', (_mode, connect) => {
  it('ends with members() and get() agreeing for every connection', async () => {
    const client = await connect();
    try {
      const store = new RedisConnectionStore({ client, keyPrefix: uniquePrefix() });
      const ids = Array.from({ length: 40 }, (_, n) => `r${n}=`);
      await Promise.all(ids.map((id) => store.register(id)));
      for (let round = 0; round < 5; round++) {
        await Promise.all(
          ids.flatMap((id, n) => {
            const ops = [() => store.join(id, ['race']), () => store.leave(id, ['race'])];
            if ((n + round) % 2 === 1) ops.reverse();
            return [ops[0]!(), ops[1]!(), store.join(id, ['race', 'side'])];
          }),
        );
        const listed = new Set<string>();
        for await (const id of store.allMembers('race')) listed.add(id);
        for (const id of ids) {
          const inRecord = (await store.get(id))?.channels.includes('race') ?? false;
          expect(listed.has(id), `${id} round ${round}`).toBe(inRecord);
        }
      }
    } finally {
      await client.quit();
    }
  });

  it('loadScripts() loads every script on every master, even on a client not connected yet', async () => {
    const client = _mode === 'cluster' ? new Cluster(await redisClusterNodes()) : new Redis(await redisUrl());
    try {
      const store = new RedisConnectionStore({ client, keyPrefix: uniquePrefix() });
      await store.loadScripts();
      // As Redis 7 runs them: each with the `#!lua` flags of what it does to memory.
      const shas = Object.entries({ ...SCRIPTS, ...STALE_SCRIPTS }).map(([name, lua]) =>
        createHash('sha1')
          .update(flaggedScript(lua, SCRIPT_MEMORY[name] ?? 'grows'))
          .digest('hex'),
      );
      const servers = client.isCluster ? (client as Cluster).nodes('master') : [client as Redis];
      expect(servers.length).toBe(_mode === 'cluster' ? 3 : 1);
      for (const server of servers) {
        expect(await server.script('EXISTS', ...shas)).toEqual(shas.map(() => 1));
      }
    } finally {
      await client.quit();
    }
  });
});
