import { announce } from './announce.js';
import { runContainer } from './containers.js';
import { redisServerVersion, startRedisProcess } from './redis-process.js';
import type { RedisBackend, StartOptions } from './types.js';
import { startChosen } from './way.js';

/** The Redis image for the container way: `WSAPP_REDIS_IMAGE` or the public `redis:7`. */
export function redisImage(): string {
  return process.env.WSAPP_REDIS_IMAGE || 'redis:7';
}

/** Redis standalone from `REDIS_URL`: used as is, never stopped. */
function fromEnv(url: string): RedisBackend {
  const parsed = new URL(url);
  const host = parsed.hostname;
  const port = Number(parsed.port || 6379);
  announce('redis', `env REDIS_URL ${url}`);
  return { kind: 'env', url, host, port, stop: async () => {} };
}

async function inContainer(): Promise<RedisBackend> {
  const image = redisImage();
  const { container, stop } = await runContainer({
    image,
    command: ['redis-server', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'],
    exposedPort: 6379,
  });
  const host = container.getHost();
  const port = container.getMappedPort(6379);
  announce('redis', `container ${image} on ${host}:${port}`);
  return { kind: 'container', url: `redis://${host}:${port}`, host, port, stop };
}

async function asProcess(): Promise<RedisBackend> {
  const [version, server] = await Promise.all([redisServerVersion(), startRedisProcess()]);
  announce('redis', `process redis-server ${version} on ${server.host}:${server.port}`);
  const { host, port, pid, stop } = server;
  return { kind: 'process', url: `redis://${host}:${port}`, host, port, pid, stop };
}

/**
 * Starts (or finds) a standalone Redis for tests. Order of choice: `REDIS_URL` as is; a container
 * (`WSAPP_REDIS_IMAGE`, default `redis:7`) when a container engine answers; a `redis-server` child
 * process on a free loopback port. `WSAPP_BACKEND=process|container` or `options.backend` forces a way.
 */
export async function startRedis(options: StartOptions = {}): Promise<RedisBackend> {
  const url = process.env.REDIS_URL;
  if (url && !options.backend) return fromEnv(url);
  return startChosen('redis', options.backend, inContainer, asProcess);
}
