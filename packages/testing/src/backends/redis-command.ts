import { lazySdk } from '@wsapp/core';

type Ioredis = typeof import('ioredis');

/** ioredis, loaded when a Redis backend is first set up (an optional peer of `@wsapp/testing`). */
const loadIoredis = lazySdk<Ioredis>('ioredis', () => import('ioredis'), 'Setting up a Redis test backend');

/**
 * Sends one command to a Redis server on a fresh ioredis connection and resolves with its reply
 * (error replies and connection failures reject; no reconnection, no queueing).
 */
export async function redisCommand(
  host: string,
  port: number,
  args: readonly [string, ...(string | number)[]],
  timeoutMs = 2_000,
): Promise<unknown> {
  const { Redis } = await loadIoredis();
  const client = new Redis({
    host,
    port,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // Failures reach the caller through the rejected promises; without a listener ioredis prints them.
  client.on('error', () => {});
  try {
    await client.connect();
    const [command, ...rest] = args;
    return await client.call(command, ...rest);
  } finally {
    client.disconnect();
  }
}

/** True when the server answers PING with PONG. */
export async function redisPing(host: string, port: number): Promise<boolean> {
  return (await redisCommand(host, port, ['PING'], 1_000)) === 'PONG';
}
