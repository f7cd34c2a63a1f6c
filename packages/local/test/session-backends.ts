/**
 * The stores the session end-to-end tests run on: memory, Redis, a Redis Cluster and DynamoDB Local
 * (the real backends the integration harness starts). `make()` answers a fresh, empty store and
 * `again()` another client on the same data (another "Lambda"); everything is closed after the test.
 */
import { randomBytes } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ConnectionStore } from '@wsapp/core';
import { createTable, DynamoDBConnectionStore } from '@wsapp/store-dynamodb';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { RedisConnectionStore } from '@wsapp/store-redis';
import { Cluster } from 'ioredis';
import { afterAll, afterEach, inject } from 'vitest';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

let dynamoClient: DynamoDBClient | undefined;
let cluster: Cluster | undefined;
afterAll(async () => {
  dynamoClient?.destroy();
  await cluster?.quit();
});

/** A store backend of the session tests. */
export interface SessionBackend {
  name: string;
  make(): Promise<{ store: ConnectionStore; again: () => ConnectionStore }>;
}

const prefix = (kind: string) => `${kind}-${randomBytes(4).toString('hex')}:`;

/** Every backend (memory first). */
export const sessionBackends: SessionBackend[] = [
  {
    name: 'memory',
    async make() {
      const store = new MemoryConnectionStore();
      return { store, again: () => store };
    },
  },
  {
    name: 'Redis',
    async make() {
      const keyPrefix = prefix('sessions');
      const open = () => {
        const store = new RedisConnectionStore({ url: inject('wsappRedisUrl'), keyPrefix });
        cleanups.push(() => store.close());
        return store;
      };
      return { store: open(), again: open };
    },
  },
  {
    name: 'Redis Cluster',
    async make() {
      cluster ??= new Cluster(inject('wsappRedisClusterNodes'), {
        redisOptions: { maxRetriesPerRequest: 1 },
      });
      const client = cluster;
      const keyPrefix = prefix('sessions');
      const open = () => new RedisConnectionStore({ client, keyPrefix });
      return { store: open(), again: open };
    },
  },
  {
    name: 'DynamoDB Local',
    async make() {
      const dynamo = inject('wsappDynamoDB');
      dynamoClient ??= new DynamoDBClient({
        endpoint: dynamo.endpoint,
        region: dynamo.region,
        credentials: dynamo.credentials,
      });
      const client = dynamoClient;
      const tableName = `sessions-${randomBytes(4).toString('hex')}`;
      await createTable(client, { tableName });
      cleanups.push(() => client.send(new DeleteTableCommand({ TableName: tableName })));
      // DynamoDB Local runs requests one at a time: a loaded machine needs a longer deadline.
      const open = () => new DynamoDBConnectionStore({ tableName, client, operationTimeoutMs: 30_000 });
      return { store: open(), again: open };
    },
  },
];
