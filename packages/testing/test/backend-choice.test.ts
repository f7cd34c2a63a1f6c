import { startDynamoDBLocal, startRedis, startRedisCluster, uniqueName } from '@wsapp/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';

// The environment way needs no backend: endpoints are used as is and never stopped.
describe('endpoints from the environment', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('uses REDIS_URL as is', async () => {
    vi.stubEnv('REDIS_URL', 'redis://redis.example:6380');
    const redis = await startRedis();
    expect(redis).toMatchObject({
      kind: 'env',
      url: 'redis://redis.example:6380',
      host: 'redis.example',
      port: 6380,
    });
    await redis.stop();
  });

  it('parses REDIS_CLUSTER_NODES into the nodes ioredis Cluster takes', async () => {
    vi.stubEnv('REDIS_CLUSTER_NODES', '10.0.0.1:7000, 10.0.0.2:7001,[::1]:7002');
    const cluster = await startRedisCluster();
    expect(cluster.kind).toBe('env');
    expect(cluster.nodes).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: '10.0.0.2', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
    expect(cluster.url).toBe('redis://10.0.0.1:7000');
    await cluster.stop();
  });

  it('rejects a malformed REDIS_CLUSTER_NODES', async () => {
    vi.stubEnv('REDIS_CLUSTER_NODES', 'localhost');
    await expect(startRedisCluster()).rejects.toThrow(/bad entry "localhost"/);
  });

  it('uses DYNAMODB_ENDPOINT as is', async () => {
    vi.stubEnv('DYNAMODB_ENDPOINT', 'http://127.0.0.1:8000');
    const dynamodb = await startDynamoDBLocal();
    expect(dynamodb).toMatchObject({ kind: 'env', endpoint: 'http://127.0.0.1:8000' });
    expect(dynamodb.credentials.accessKeyId).toMatch(/^[A-Za-z0-9]+$/);
    await dynamodb.stop();
  });

  it('rejects an unknown WSAPP_BACKEND', async () => {
    vi.stubEnv('WSAPP_BACKEND', 'vm');
    await expect(startRedis()).rejects.toThrow(/WSAPP_BACKEND must be "process" or "container"/);
  });
});

describe('uniqueName', () => {
  it('is unique and valid as a DynamoDB table name', () => {
    const names = new Set(Array.from({ length: 100 }, () => uniqueName('conn')));
    expect(names.size).toBe(100);
    for (const name of names) expect(name).toMatch(/^conn-[a-z0-9]+-[0-9a-f]{8}$/);
  });
});
