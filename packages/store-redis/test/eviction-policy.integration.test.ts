import { StoreUnavailableError } from '@wsapp/core';
import { EvictionPolicyError, RedisConnectionStore } from '@wsapp/store-redis';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { uniquePrefix } from './clients.js';
import { type RedisProcess, startRedisProcess } from './redis-endpoints.js';

// Own redis-servers (killed by PID when the file ends): ElastiCache's default policy is
// volatile-lru, and managed services disable CONFIG, which `--rename-command` reproduces.
const servers: RedisProcess[] = [];
const clients: Redis[] = [];
afterAll(async () => {
  for (const c of clients) c.disconnect();
  for (const s of servers) await s.kill();
});

async function server(...args: string[]): Promise<Redis> {
  const process = await startRedisProcess(undefined, args);
  servers.push(process);
  // ioredis's ready check runs INFO: off, so a server with INFO disabled can be reached at all.
  const client = new Redis({
    host: '127.0.0.1',
    port: process.port,
    maxRetriesPerRequest: 1,
    enableReadyCheck: false,
  });
  clients.push(client);
  return client;
}

function capture() {
  const warnings: string[] = [];
  return { warnings, logger: { warn: (message: string) => warnings.push(message) } };
}

describe('maxmemory-policy check', () => {
  it('refuses an evicting policy (volatile-lru) on first use, writing nothing, with a typed error', async () => {
    const client = await server('--maxmemory', '64mb', '--maxmemory-policy', 'volatile-lru');
    const prefix = uniquePrefix();
    const { warnings, logger } = capture();
    const store = new RedisConnectionStore({ client, keyPrefix: prefix, logger });
    const error = await store.register('a=', { channels: ['x'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EvictionPolicyError);
    expect((error as EvictionPolicyError).policy).toBe('volatile-lru');
    expect((error as Error).message).toMatch(/noeviction/);
    // Every later call is refused the same way, and nothing was written.
    await expect(store.get('a=')).rejects.toBeInstanceOf(EvictionPolicyError);
    await expect(store.members('x')).rejects.toBeInstanceOf(EvictionPolicyError);
    expect(await client.keys(`${prefix}*`)).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('runs with allowEviction: true and warns once', async () => {
    const client = await server('--maxmemory-policy', 'allkeys-lru');
    const { warnings, logger } = capture();
    const store = new RedisConnectionStore({
      client,
      keyPrefix: uniquePrefix(),
      allowEviction: true,
      logger,
    });
    await store.register('a=', { channels: ['x'] });
    await store.join('a=', ['y']);
    expect((await store.members('y')).connectionIds).toEqual(['a=']);
    expect(warnings.length).toBe(1);
    expect(warnings[0]).toMatch(/allkeys-lru/);
  });

  it('falls back to INFO memory when CONFIG is disabled (as on ElastiCache)', async () => {
    const client = await server('--maxmemory-policy', 'volatile-lru', '--rename-command', 'CONFIG', '');
    await expect(client.config('GET', 'maxmemory-policy')).rejects.toThrow(/unknown command/i);
    const store = new RedisConnectionStore({ client, keyPrefix: uniquePrefix(), logger: capture().logger });
    const error = await store.register('a=').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EvictionPolicyError);
    expect((error as EvictionPolicyError).policy).toBe('volatile-lru');
  });

  it('warns once that it could not check when CONFIG and INFO are both disabled, and runs', async () => {
    const client = await server(
      '--maxmemory-policy',
      'volatile-lru',
      '--rename-command',
      'CONFIG',
      '',
      '--rename-command',
      'INFO',
      '',
    );
    const { warnings, logger } = capture();
    const store = new RedisConnectionStore({ client, keyPrefix: uniquePrefix(), logger });
    await store.register('a=', { channels: ['x'] });
    await store.get('a=');
    expect(warnings.length).toBe(1);
    expect(warnings[0]).toMatch(/could not read maxmemory-policy/);
  });

  it('says nothing for noeviction, and checks again after a connection failure on first use', async () => {
    const process = await startRedisProcess();
    servers.push(process);
    const { warnings, logger } = capture();
    const store = new RedisConnectionStore({
      url: `redis://127.0.0.1:${process.port}`,
      keyPrefix: uniquePrefix(),
      commandTimeoutMs: 1000,
      logger,
    });
    await process.kill();
    await expect(store.get('a=')).rejects.toBeInstanceOf(StoreUnavailableError);
    await process.restart();
    // The failed check was not kept: the store works once Redis is back.
    let record: unknown;
    for (let i = 0; i < 50 && record === undefined; i++) {
      record = await store.register('a=').catch(() => undefined);
      if (record === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    expect(record).toBeDefined();
    expect(warnings).toEqual([]);
    await store.close();
  });
});
