import { MemoryConnectionStore } from '@wsapp/store-memory';
import { RedisConnectionStore } from '@wsapp/store-redis';
import { describe, expect, it } from 'vitest';
import { createStore } from '../src/store.js';

describe('createStore (STORE from the environment)', () => {
  it('defaults to the memory store', async () => {
    expect(await createStore({})).toBeInstanceOf(MemoryConnectionStore);
  });

  it('builds a Redis store from REDIS_URL without connecting yet', async () => {
    const store = await createStore({ STORE: 'redis', REDIS_URL: 'redis://127.0.0.1:1' });
    expect(store).toBeInstanceOf(RedisConnectionStore);
    await (store as RedisConnectionStore).close();
  });

  it('refuses a missing REDIS_URL and unknown backends', async () => {
    await expect(createStore({ STORE: 'redis' })).rejects.toThrow('REDIS_URL must be set');
    await expect(createStore({ STORE: 'mongo' })).rejects.toThrow('STORE=mongo is not supported');
  });
});
