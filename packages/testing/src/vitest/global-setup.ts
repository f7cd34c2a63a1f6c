import type { TestProject } from 'vitest/node';
import { startDynamoDBLocal } from '../backends/dynamodb.js';
import { startRedis } from '../backends/redis.js';
import { startRedisCluster } from '../backends/redis-cluster.js';
import { startSqs } from '../backends/sqs.js';
import type { BackendHandle } from '../backends/types.js';
import './provided-context.js';

/**
 * Vitest global setup of the `integration` project: starts Redis, a 3-master Redis Cluster,
 * DynamoDB Local and an SQS emulator (fauxqs) once per run (in parallel), provides their endpoints, and stops them on teardown.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = performance.now();
  const results = await Promise.allSettled([
    startRedis(),
    startRedisCluster({ masters: 3 }),
    startDynamoDBLocal(),
    startSqs(),
  ]);
  const handles = results.flatMap((r): BackendHandle[] => (r.status === 'fulfilled' ? [r.value] : []));
  const teardown = async () => {
    await Promise.allSettled(handles.map((handle) => handle.stop()));
  };
  const [redis, cluster, dynamodb, sqs] = results;
  if (
    redis.status === 'rejected' ||
    cluster.status === 'rejected' ||
    dynamodb.status === 'rejected' ||
    sqs.status === 'rejected'
  ) {
    await teardown();
    const reasons = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
    throw new Error(`[wsapp/testing] backends failed to start:\n${reasons.join('\n')}`);
  }
  project.provide('wsappRedisUrl', redis.value.url);
  project.provide('wsappRedisClusterNodes', cluster.value.nodes);
  const { endpoint, region, credentials } = dynamodb.value;
  project.provide('wsappDynamoDB', { endpoint, region, credentials });
  project.provide('wsappSqs', {
    endpoint: sqs.value.endpoint,
    region: sqs.value.region,
    credentials: sqs.value.credentials,
  });
  console.info(`[wsapp/testing] backends ready in ${Math.round(performance.now() - started)} ms`);
  return teardown;
}
