import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { startRedis, uniqueName } from '@wsapp/testing';
import { Cluster, Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { alive } from './process-alive.js';

const builtCjs = resolve(import.meta.dirname, '../dist/index.cjs');

/**
 * Runs a Node process that starts a process-way Redis from the built package, prints its PID,
 * then ends the way given without calling stop(). Resolves with that PID.
 */
async function pidLeftBy(ending: 'exit' | 'SIGTERM'): Promise<number> {
  const end = ending === 'exit' ? 'process.exit(0)' : "process.kill(process.pid, 'SIGTERM')";
  const script = `
    require(${JSON.stringify(builtCjs)}).startRedis({ backend: 'process' }).then((r) => {
      process.stdout.write('PID=' + r.pid + '\\n');
      ${end};
    });
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script]).catch(
    (error: { stdout?: string; signal?: string }) => {
      if (ending === 'SIGTERM' && error.signal === 'SIGTERM') return { stdout: error.stdout ?? '' };
      throw error;
    },
  );
  const pid = Number(stdout.match(/PID=(\d+)/)?.[1]);
  expect(pid).toBeGreaterThan(0);
  return pid;
}

describe('Redis standalone', () => {
  const redis = new Redis(inject('wsappRedisUrl'), { lazyConnect: true, maxRetriesPerRequest: 1 });
  afterAll(() => redis.quit());

  it('stores and reads a key', async () => {
    const key = uniqueName('backends:standalone');
    await redis.set(key, 'hello', 'EX', 60);
    expect(await redis.get(key)).toBe('hello');
  });
});

describe('Redis Cluster', () => {
  const nodes = inject('wsappRedisClusterNodes');
  const cluster = new Cluster(nodes, { lazyConnect: true, redisOptions: { maxRetriesPerRequest: 1 } });
  afterAll(() => cluster.quit());

  it('is a healthy cluster of 3 masters', async () => {
    expect(nodes).toHaveLength(3);
    const node = new Redis(nodes[0]!.port, nodes[0]!.host);
    try {
      const info = String(await node.call('CLUSTER', 'INFO'));
      expect(info).toMatch(/^cluster_state:ok/m);
      expect(info).toMatch(/^cluster_size:3/m);
      const listing = String(await node.call('CLUSTER', 'NODES'));
      expect(listing.split('\n').filter((line) => line.includes('master'))).toHaveLength(3);
    } finally {
      node.disconnect();
    }
  });

  it('stores keys that live in different slots on different masters', async () => {
    const prefix = uniqueName('backends:cluster');
    const keys = Array.from({ length: 12 }, (_, i) => `${prefix}:${i}`);
    for (const key of keys) await cluster.set(key, key, 'EX', 60);
    for (const key of keys) expect(await cluster.get(key)).toBe(key);
    const slots = new Set(
      await Promise.all(keys.map(async (key) => cluster.call('CLUSTER', 'KEYSLOT', key))),
    );
    expect(slots.size).toBeGreaterThan(1);
    const owners = new Set(
      cluster.nodes('master').map((node) => `${node.options.host}:${node.options.port}`),
    );
    expect(owners.size).toBe(3);
  });
});

describe('DynamoDB Local', () => {
  const { endpoint, region, credentials } = inject('wsappDynamoDB');
  const client = new DynamoDBClient({ endpoint, region, credentials });
  afterAll(() => client.destroy());

  it('creates a table, writes, reads and writes transactionally', async () => {
    const TableName = uniqueName('backends');
    await client.send(
      new CreateTableCommand({
        TableName,
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await client.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' }, n: { N: '1' } } }));
    const got = await client.send(new GetItemCommand({ TableName, Key: { pk: { S: 'a' } } }));
    expect(got.Item).toEqual({ pk: { S: 'a' }, n: { N: '1' } });

    await client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName, Item: { pk: { S: 'b' } }, ConditionExpression: 'attribute_not_exists(pk)' } },
          {
            Update: {
              TableName,
              Key: { pk: { S: 'a' } },
              UpdateExpression: 'SET n = n + :one',
              ExpressionAttributeValues: { ':one': { N: '1' } },
            },
          },
        ],
      }),
    );
    const after = await client.send(new GetItemCommand({ TableName, Key: { pk: { S: 'a' } } }));
    expect(after.Item?.n).toEqual({ N: '2' });
    const b = await client.send(new GetItemCommand({ TableName, Key: { pk: { S: 'b' } } }));
    expect(b.Item).toEqual({ pk: { S: 'b' } });

    // A failing condition cancels the whole transaction.
    await expect(
      client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName, Item: { pk: { S: 'b' } }, ConditionExpression: 'attribute_not_exists(pk)' } },
            { Put: { TableName, Item: { pk: { S: 'c' } } } },
          ],
        }),
      ),
    ).rejects.toThrow(/ConditionalCheckFailed|cancel/i);
    const c = await client.send(new GetItemCommand({ TableName, Key: { pk: { S: 'c' } } }));
    expect(c.Item).toBeUndefined();
  });
});

describe('process fallback', () => {
  it('stop() kills the redis-server process by PID', async () => {
    const server = await startRedis({ backend: 'process' });
    expect(server.kind).toBe('process');
    const pid = server.pid!;
    expect(alive(pid)).toBe(true);
    const redis = new Redis(server.url);
    expect(await redis.ping()).toBe('PONG');
    redis.disconnect();
    await server.stop();
    expect(alive(pid)).toBe(false);
    await server.stop(); // idempotent
  });

  it.each(['exit', 'SIGTERM'] as const)(
    'kills redis-server when the test process ends by %s without stop()',
    async (ending) => {
      const pid = await pidLeftBy(ending);
      await expect.poll(() => alive(pid), { timeout: 5_000 }).toBe(false);
    },
  );
});
