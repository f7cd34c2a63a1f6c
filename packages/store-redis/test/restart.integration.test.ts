import { type ConnectionStore, StoreUnavailableError } from '@wsapp/core';
import { RedisConnectionStore } from '@wsapp/store-redis';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { uniquePrefix } from './clients.js';

/** Retries `work` until it succeeds, every 100 ms for at most 15 s (a restarted server catching up). */
const retried = <T>(work: () => Promise<T>) => vi.waitFor(work, { timeout: 15_000, interval: 100 });

import { type RedisProcess, startRedisProcess } from './redis-endpoints.js';

const TIMEOUT_MS = 800;
const timings: string[] = [];
/** Allowance over the deadline for timers on a busy machine. */
const LATE_MS = 700;

async function failsFast(what: string, work: () => Promise<unknown>): Promise<number> {
  const started = Date.now();
  const error = await work().then(
    () => undefined,
    (e: unknown) => e,
  );
  const elapsed = Date.now() - started;
  expect(error, `${what} should fail`).toBeInstanceOf(StoreUnavailableError);
  expect((error as Error).message).toMatch(/Redis/);
  expect(elapsed, `${what} took ${elapsed} ms`).toBeLessThan(TIMEOUT_MS + LATE_MS);
  timings.push(`${what}: ${elapsed} ms`);
  return elapsed;
}

const everyOperation = (store: ConnectionStore): Array<[string, () => Promise<unknown>]> => [
  ['register', () => store.register('x=', { channels: ['a', 'b'] })],
  ['get', () => store.get('x=')],
  ['join', () => store.join('x=', ['c'])],
  ['leave', () => store.leave('x=', ['a'])],
  ['update', () => store.update('x=', { k: 1 })],
  ['touch', () => store.touch('x=')],
  ['members', () => store.members('a')],
  ['unregister', () => store.unregister('x=')],
];

describe('connection loss', () => {
  let server: RedisProcess;
  let url: string;
  let userClient: Redis;
  let stores: Array<[string, RedisConnectionStore]>;

  beforeAll(async () => {
    server = await startRedisProcess();
    url = `redis://127.0.0.1:${server.port}`;
    // A client with ioredis defaults (20 retries per request, offline queue): the store's deadline bounds it.
    userClient = new Redis(url);
    userClient.on('error', () => {});
    stores = [
      [
        'store created from url',
        new RedisConnectionStore({ url, keyPrefix: uniquePrefix(), commandTimeoutMs: TIMEOUT_MS }),
      ],
      [
        'store given a client',
        new RedisConnectionStore({
          client: userClient,
          keyPrefix: uniquePrefix(),
          commandTimeoutMs: TIMEOUT_MS,
        }),
      ],
    ];
  });
  afterAll(async () => {
    console.log(`time to StoreUnavailableError:\n  ${timings.join('\n  ')}`);
    server.freeze(false);
    for (const [, store] of stores ?? []) await store.close();
    userClient?.disconnect();
  });

  it('fails with StoreUnavailableError in bounded time while Redis is down, then works again on the same instance', async () => {
    for (const [, store] of stores) {
      await store.register('x=', { channels: ['a'] });
      expect((await store.members('a')).connectionIds).toEqual(['x=']);
    }
    await server.kill();
    for (const [label, store] of stores) {
      for (const [op, work] of everyOperation(store)) await failsFast(`${label}: ${op}`, work);
    }
    await server.restart();
    for (const [, store] of stores) {
      // Redis came back empty (no persistence) and without the scripts: EVALSHA falls back to EVAL.
      await retried(async () => {
        await store.register('x=', { channels: ['a', 'b'] });
      });
      await store.join('x=', ['c']);
      expect((await store.get('x='))?.channels.sort()).toEqual(['a', 'b', 'c']);
      expect((await store.members('c')).connectionIds).toEqual(['x=']);
      expect((await store.unregister('x='))?.connectionId).toBe('x=');
    }
  });

  it('fails with StoreUnavailableError in bounded time when Redis stops answering', async () => {
    for (const [, store] of stores) await retried(async () => void (await store.register('y=')));
    server.freeze(true);
    try {
      for (const [label, store] of stores)
        await failsFast(`${label}: get while frozen`, () => store.get('y='));
    } finally {
      server.freeze(false);
    }
    for (const [, store] of stores) await retried(async () => expect(await store.get('y=')).toBeDefined());
  });

  it('wraps Redis errors and rejects bad options', async () => {
    expect(() => new RedisConnectionStore({ url, keyPrefix: 'a{b}' })).toThrow(RangeError);
    expect(() => new RedisConnectionStore({ url, commandTimeoutMs: 0 })).toThrow(RangeError);
    expect(() => new RedisConnectionStore({} as never)).toThrow(TypeError);
    const bad = new RedisConnectionStore({ url: 'redis://127.0.0.1:1', commandTimeoutMs: TIMEOUT_MS });
    try {
      await failsFast('nothing listening', () => bad.get('z='));
    } finally {
      await bad.close();
    }
  });
});
