import { randomBytes } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { redisClusterNodes, redisUrl } from './redis-endpoints.js';

/**
 * A key prefix no other store instance uses, so tests share one server safely; or, given a
 * `namespace`, the one prefix of that namespace (stores of one conformance test share it).
 */
export function uniquePrefix(namespace?: string): string {
  return `wsapp-test:${namespace ?? randomBytes(5).toString('hex')}:`;
}

/** A standalone client on the test server. */
export async function standaloneClient(): Promise<Redis> {
  const client = new Redis(await redisUrl(), { maxRetriesPerRequest: 1 });
  await client.ping();
  return client;
}

/** A Cluster client on the test cluster. */
export async function clusterClient(): Promise<Cluster> {
  const client = new Cluster(await redisClusterNodes(), { redisOptions: { maxRetriesPerRequest: 1 } });
  await client.ping();
  return client;
}
