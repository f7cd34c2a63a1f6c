/**
 * Redis out of memory under `maxmemory-policy noeviction` (the policy the README requires): every
 * store write that may grow memory must fail with `StoreUnavailableError` and write nothing,
 * checked by backdoor reads; removals and reads keep working. Own servers (killed by PID when the
 * file ends): a standalone `redis-server --maxmemory 4mb`, and a private 3-master Cluster whose
 * masters are put out of memory with `CONFIG SET maxmemory 1`.
 */
import { StoreUnavailableError } from '@wsapp/core';
import { RedisConnectionStore } from '@wsapp/store-redis';
import { type RedisClusterBackend, startRedisCluster } from '@wsapp/testing';
import { Cluster, Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { isShebangRefused } from '../src/script-dialect.js';
import { uniquePrefix } from './clients.js';
import { redisInspector } from './inspector.js';
import { SMALL_NOEVICTION_ARGS } from './oom-filler.js';
import { type RedisProcess, startRedisProcess } from './redis-endpoints.js';

const MAXMEMORY = 4 * 1024 * 1024;
const servers: RedisProcess[] = [];
const clients: Array<Redis | Cluster> = [];
let cluster: RedisClusterBackend | undefined;
afterAll(async () => {
  for (const c of clients) c.disconnect();
  for (const s of servers) await s.kill();
  await cluster?.stop();
});

async function fullServer(): Promise<Redis> {
  const server = await startRedisProcess(undefined, [...SMALL_NOEVICTION_ARGS]);
  servers.push(server);
  const client = new Redis({ host: '127.0.0.1', port: server.port, maxRetriesPerRequest: 1 });
  clients.push(client);
  return client;
}

async function usedMemory(client: Redis): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1]);
}

/** Asserts `work` rejects with a `StoreUnavailableError` naming Redis's OOM refusal. */
async function refusedOom(work: Promise<unknown>): Promise<void> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreUnavailableError);
  expect((error as Error).message).toMatch(/OOM/);
}

describe.each([
  ['with #!lua flags (detected)', undefined],
  ['without flags, as on servers before Redis 7 (scriptFlags: false)', false],
] as const)('standalone, maxmemory 4mb, noeviction: %s', (_, scriptFlags) => {
  it('6,000 registers of 1 KB: the server stays at maxmemory, every refused write left nothing', async () => {
    const client = await fullServer();
    const store = new RedisConnectionStore({ client, keyPrefix: uniquePrefix(), scriptFlags });
    const inspector = redisInspector(store);
    const data = { blob: 'x'.repeat(1000) };
    const accepted: string[] = [];
    const refused: string[] = [];
    for (let i = 0; i < 6000; i++) {
      const id = `c${i}=`;
      try {
        await store.register(id, { channels: ['room', `own-${i % 10}`], data });
        accepted.push(id);
      } catch (error) {
        expect(error).toBeInstanceOf(StoreUnavailableError);
        expect((error as Error).message).toMatch(/OOM/);
        refused.push(id);
      }
    }
    const used = await usedMemory(client);
    console.log(
      `scriptFlags ${String(scriptFlags)}: ${accepted.length} accepted, ${refused.length} refused, used_memory ${used} (maxmemory ${MAXMEMORY})`,
    );
    // A write that starts below the limit may end above it by its own size (a plain SET too).
    expect(used).toBeLessThan(MAXMEMORY + 64 * 1024);
    expect(accepted.length).toBeGreaterThan(100);
    expect(refused.length).toBeGreaterThan(1000);
    // Backdoor: every refused id wrote no key and no membership; every accepted one is whole.
    const room = new Set((await inspector.channelMembers('room')).map((m) => m.connectionId));
    expect(room).toEqual(new Set(accepted));
    for (const id of refused.filter((_, i) => i % 20 === 0)) {
      expect(await inspector.connectionItems(id), id).toEqual([]);
    }
    for (const id of accepted.filter((_, i) => i % 20 === 0)) {
      expect((await inspector.connectionItems(id)).length, id).toBe(2);
    }

    // Every other write that may grow memory is refused the same way, writing nothing.
    const [first] = accepted as [string];
    const before = await store.get(first);
    await refusedOom(store.join(first, ['fresh']));
    await refusedOom(store.setChannels(first, ['room', 'fresh']));
    await refusedOom(store.update(first, { more: 'y'.repeat(100) }));
    await refusedOom(store.appendHistory('room', { messageId: 'm1', payload: 'p' }));
    expect(await store.get(first)).toEqual(before);
    expect(await inspector.channelMembers('fresh')).toEqual([]);
    expect(await inspector.historyEntries?.('room')).toEqual([]);

    // Reads, and writes that free or keep memory, still run: so load can be shed.
    expect((await store.members('room', { limit: 5 })).connectionIds).toHaveLength(5);
    await store.touch(first);
    await store.leave(first, ['own-0']);
    const freed = accepted.slice(0, 400);
    for (const id of freed) await store.unregister(id);
    expect(await inspector.connectionItems(freed[0] as string)).toEqual([]);
    // With memory freed, registering works again.
    await store.register('again=', { channels: ['room'], data });
    expect(await store.get('again=')).toBeDefined();
  });
});

describe('servers without script flags', () => {
  it("recognises Lua 5.1's refusal of a shebang (what a server before Redis 7 answers to #!lua)", async () => {
    const client = await fullServer();
    // Redis 7 strips a shebang only at the very start; one space before it, and Lua 5.1 compiles
    // `#!lua` itself, exactly as a server before 7.0 does with every flagged script.
    const refusal = await client.eval(' #!lua\nreturn 1', 0).catch((e: unknown) => e);
    console.log(`Lua's answer: ${(refusal as Error).message}`);
    expect(isShebangRefused(refusal)).toBe(true);
    const unknownFlag = await client.eval('#!lua flags=nope\nreturn 1', 0).catch((e: unknown) => e);
    expect(isShebangRefused(unknownFlag)).toBe(false);
    await client.set('k', 'x'.repeat(5 * 1024 * 1024)).catch(() => undefined);
    const oom = await client
      .eval("#!lua\nreturn redis.call('SET', KEYS[1], 'v')", 1, 'k2')
      .catch((e: unknown) => e);
    expect((oom as Error).message).toMatch(/OOM/);
    expect(isShebangRefused(oom)).toBe(false);
  });
});

describe('Redis Cluster (3 masters), masters out of memory', () => {
  it('every growing write fails with nothing written on any slot; a refused slot undoes the others', async () => {
    cluster = await startRedisCluster({ backend: 'process', masters: 3 });
    const client = new Cluster(cluster.nodes, { redisOptions: { maxRetriesPerRequest: 1 } });
    clients.push(client);
    await client.ping();
    const store = new RedisConnectionStore({ client, keyPrefix: uniquePrefix() });
    const inspector = redisInspector(store);
    const masters = client.nodes('master');
    const nodeOf = async (key: string): Promise<string> => {
      const slot = Number(await client.cluster('KEYSLOT', key));
      const owner = client.slots[slot]?.[0];
      if (owner === undefined) throw new Error(`no owner for slot ${slot}`);
      return owner;
    };
    const setMaxmemory = (node: Redis, value: string) => node.config('SET', 'maxmemory', value);
    for (const node of masters) await node.config('SET', 'maxmemory-policy', 'noeviction');

    // Before any limit: two registered connections, one history entry.
    await store.register('a=', { channels: ['x', 'y'], data: { v: 1 } });
    await store.register('b=', { channels: ['x'] });
    await store.appendHistory('x', { messageId: 'm0', payload: 'p0' });
    const snapshot = async () => ({
      a: await store.get('a='),
      b: await store.get('b='),
      x: (await inspector.channelMembers('x')).map((m) => m.connectionId).sort(),
      y: (await inspector.channelMembers('y')).map((m) => m.connectionId).sort(),
      history: await inspector.historyEntries?.('x'),
    });
    const before = await snapshot();

    // 1. Every master out of memory.
    for (const node of masters) await setMaxmemory(node, '1');
    await refusedOom(store.register('n=', { channels: ['x', 'z'] }));
    await refusedOom(store.join('a=', ['z', 'w']));
    await refusedOom(store.setChannels('b=', ['x', 'z']));
    await refusedOom(store.update('a=', { v: 2 }));
    await refusedOom(store.appendHistory('x', { messageId: 'm1', payload: 'p1' }));
    expect(await snapshot()).toEqual(before);
    expect(await inspector.connectionItems('n=')).toEqual([]);
    for (const ch of ['z', 'w']) expect(await inspector.channelMembers(ch)).toEqual([]);
    // Reads and removals still run.
    expect((await store.members('x')).connectionIds.sort()).toEqual(['a=', 'b=']);
    await store.touch('a=');
    await store.unregister('b=');
    expect(await inspector.connectionItems('b=')).toEqual([]);
    expect((await inspector.channelMembers('x')).map((m) => m.connectionId)).toEqual(['a=']);

    // 2. Only the master of one channel's slot out of memory: the other slots accept their part,
    // and the store must undo it.
    for (const node of masters) await setMaxmemory(node, '0');
    const full = await nodeOf(store.keys.channel('hot').lex);
    let id = '';
    for (let i = 0; id === ''; i++) {
      if (i > 200) throw new Error('no connection id outside the full slot');
      if ((await nodeOf(store.keys.connection(`p${i}=`).record)) !== full) id = `p${i}=`;
    }
    let cold = '';
    for (let i = 0; cold === ''; i++) {
      if (i > 200) throw new Error('no channel outside the full slot');
      if ((await nodeOf(store.keys.channel(`cold${i}`).lex)) !== full) cold = `cold${i}`;
    }
    const fullNode = masters.find((m) => `${m.options.host}:${m.options.port}` === full);
    if (fullNode === undefined) throw new Error(`master ${full} not found`);
    await setMaxmemory(fullNode, '1');
    // register: record and `cold` on other masters accept, `hot` refuses → nothing stays.
    await refusedOom(store.register(id, { channels: [cold, 'hot'] }));
    expect(await inspector.connectionItems(id)).toEqual([]);
    expect(await inspector.channelMembers(cold)).toEqual([]);
    expect(await inspector.channelMembers('hot')).toEqual([]);
    // join: the record (other master) and `cold` accept, `hot` refuses → joins nothing.
    await setMaxmemory(fullNode, '0');
    await store.register(id, { channels: ['x'] });
    await setMaxmemory(fullNode, '1');
    await refusedOom(store.join(id, [cold, 'hot', 'x']));
    expect((await store.get(id))?.channels).toEqual(['x']);
    expect(await inspector.channelMembers(cold)).toEqual([]);
    expect(await inspector.channelMembers('hot')).toEqual([]);
    expect((await inspector.channelMembers('x')).map((m) => m.connectionId).sort()).toEqual(
      ['a=', id].sort(),
    );
    await setMaxmemory(fullNode, '0');
  });
});
