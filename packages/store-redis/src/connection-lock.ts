import { randomBytes } from 'node:crypto';
import type { RedisClient } from './redis-store-options.js';
import type { ScriptRunner } from './script-runner.js';

/**
 * Runs `work` holding the lock at `key` (SET NX PX, released by token). The lock expires after
 * `ttlMs`, so a crashed holder delays the next caller at most that long; the operation deadline
 * bounds the wait.
 */
export async function withConnectionLock<T>(
  client: RedisClient,
  scripts: ScriptRunner,
  key: string,
  ttlMs: number,
  work: () => Promise<T>,
): Promise<T> {
  const token = randomBytes(12).toString('base64url');
  for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
    if ((await client.set(key, token, 'PX', ttlMs, 'NX')) === 'OK') break;
    await new Promise((resolve) => setTimeout(resolve, wait * (0.5 + Math.random())));
  }
  try {
    return await work();
  } finally {
    await scripts.run('unlock', [key], [token]).catch(() => undefined);
  }
}
