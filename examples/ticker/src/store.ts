import type { ConnectionStore } from '@wsapp/core';

/**
 * The store the ticker runs on, from the environment (the same convention as the chat example):
 * `STORE=memory` (default; local runs only — each Lambda instance would see its own connections).
 * `dynamodb` (`TABLE_NAME`) and `redis` (`REDIS_URL`) are wired once their packages are merged.
 */
export async function createStore(env: NodeJS.ProcessEnv = process.env): Promise<ConnectionStore> {
  const kind = env.STORE ?? 'memory';
  if (kind === 'memory') {
    const { MemoryConnectionStore } = await import('@wsapp/store-memory');
    return new MemoryConnectionStore();
  }
  throw new Error(`STORE=${kind} is not supported; use memory, redis or dynamodb`);
}
