import { Redis } from 'ioredis';
import { type RedisProcess, startRedisProcess } from './redis-endpoints.js';

/** `redis-server` arguments of the out-of-memory tests: a 4 MB server that refuses writes past it. */
export const SMALL_NOEVICTION_ARGS: readonly string[] = [
  '--maxmemory',
  '4mb',
  '--maxmemory-policy',
  'noeviction',
];

/**
 * Fills the server with plain SETs until Redis refuses one with OOM, in shrinking sizes (a large
 * argument in the query buffer is itself counted, so a 64 KB SET can be refused while a small one
 * still fits): used_memory ends above maxmemory. Answers the keys written.
 */
export async function fillUntilOom(client: Redis, tag: string): Promise<string[]> {
  const keys: string[] = [];
  for (const size of [64 * 1024, 4096, 256, 16]) {
    const blob = 'f'.repeat(size);
    for (let i = 0; i < 2000; i++) {
      const key = `filler:${tag}:${size}:${i}`;
      try {
        await client.set(key, blob);
        keys.push(key);
      } catch (error) {
        if (/OOM/.test(String(error))) break;
        throw error;
      }
    }
  }
  return keys;
}

/** Both script paths of the store: `#!lua` flags (Redis 7+) and without (`scriptFlags: false`, servers before 7). */
export const SCRIPT_FLAG_CASES = [
  ['with #!lua flags', undefined],
  ['without flags (scriptFlags: false)', false],
] as const;

/**
 * A 4 MB `noeviction` server with two clients: `client` for the store, `other` for the tenant
 * that fills it. The caller stops the server and disconnects the clients.
 */
export async function startSmallRedis(): Promise<{ server: RedisProcess; client: Redis; other: Redis }> {
  const server = await startRedisProcess(undefined, [...SMALL_NOEVICTION_ARGS]);
  const client = new Redis({ host: '127.0.0.1', port: server.port, maxRetriesPerRequest: 1 });
  const other = new Redis({ host: '127.0.0.1', port: server.port, maxRetriesPerRequest: 1 });
  return { server, client, other };
}
