/**
 * A busy channel broadcasting while clients connect (issue 26, item 6) on the real backends:
 * Redis standalone, a Redis Cluster and DynamoDB Local (the memory store runs it in
 * `connect-window.test.ts`). No record of an accepted connection may be lost.
 */
import { randomBytes } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTable, DynamoDBConnectionStore } from '@wsapp/store-dynamodb';
import { RedisConnectionStore } from '@wsapp/store-redis';
import { Cluster } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { busyChannelWhileConnecting } from './connect-window-load.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
const prefix = () => `connect-window-${randomBytes(4).toString('hex')}:`;

/** Each backend: a fresh store, the clients it connects, in waves of `batch`. */
const backends = [
  {
    name: 'Redis standalone',
    clients: 100,
    batch: 20,
    make: () =>
      new RedisConnectionStore({
        url: inject('wsappRedisUrl'),
        keyPrefix: prefix(),
        commandTimeoutMs: 15_000,
      }),
    close: (store: RedisConnectionStore) => store.close(),
  },
  {
    name: 'Redis Cluster',
    clients: 100,
    batch: 20,
    make: () => {
      const client = new Cluster(inject('wsappRedisClusterNodes'), {
        redisOptions: { maxRetriesPerRequest: 1 },
      });
      return new RedisConnectionStore({ client, keyPrefix: prefix(), commandTimeoutMs: 15_000 });
    },
    close: async (store: RedisConnectionStore) => store.client.disconnect(),
  },
];

describe('a busy channel broadcasting while clients connect, on every store', { timeout: 240_000 }, () => {
  it.each(backends)('$name: no record of an accepted connection lost', async (backend) => {
    const store = backend.make();
    cleanups.push(() => backend.close(store));
    const figures = await busyChannelWhileConnecting({ label: backend.name, store, ...backend });
    expect(figures.lost).toBe(0);
    expect(figures.answered410).toBeGreaterThan(0);
  });

  it('DynamoDB Local: no record of an accepted connection lost', async () => {
    const dynamo = inject('wsappDynamoDB');
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: dynamo.region,
      credentials: dynamo.credentials,
    });
    const tableName = `connect-window-${randomBytes(4).toString('hex')}`;
    await createTable(client, { tableName });
    cleanups.push(async () => {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    });
    const store = new DynamoDBConnectionStore({ tableName, client, operationTimeoutMs: 30_000 });
    const figures = await busyChannelWhileConnecting({
      label: 'DynamoDB Local',
      store,
      clients: 40,
      batch: 10,
    });
    expect(figures.lost).toBe(0);
    expect(figures.answered410).toBeGreaterThan(0);
  });
});
