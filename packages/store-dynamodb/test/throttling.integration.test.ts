import { DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { StoreUnavailableError } from '@wsapp/core';
import { DynamoDBConnectionStore } from '@wsapp/store-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { localClientConfig } from './dynamodb-endpoint.js';
import { dropTable, LOADED_TIMEOUT_MS, testClient, testTable } from './table.js';

const admin = await testClient();
const tableName = await testTable(admin, 'throttling');
afterAll(async () => {
  await dropTable(admin, tableName);
  admin.destroy();
});

/**
 * A client whose every `failEvery`-th attempt fails with the SDK's real
 * ProvisionedThroughputExceededException before it is sent. Added after the retry middleware, so
 * the SDK's own retry sees it as it would see DynamoDB's answer.
 */
async function throttledClient(failEvery: number, maxAttempts: number) {
  const client = await testClient({ maxAttempts });
  const stats = { attempts: 0, throttled: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      stats.attempts++;
      if (stats.attempts % failEvery === 0) {
        stats.throttled++;
        throw new ProvisionedThroughputExceededException({ message: 'simulated throttling', $metadata: {} });
      }
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'simulateThrottling' },
  );
  return { client, stats };
}

describe('throttling and backend failures', () => {
  it('operations succeed while a third of all attempts are throttled', async () => {
    const { client, stats } = await throttledClient(3, 10);
    const store = new DynamoDBConnectionStore({
      tableName,
      client,
      channelShards: 2,
      operationTimeoutMs: LOADED_TIMEOUT_MS,
    });
    const ids = Array.from({ length: 12 }, (_, n) => `t${n}=`);
    await Promise.all(ids.map((id) => store.register(id, { channels: ['t-a', 't-b', 't-c'] })));
    await Promise.all(ids.map((id) => store.join(id, ['t-d'])));
    await Promise.all(ids.slice(0, 6).map((id) => store.leave(id, ['t-a'])));
    await Promise.all(ids.map((id) => store.update(id, { seen: true })));
    const members: string[] = [];
    for await (const id of store.allMembers('t-a', { pageSize: 2 })) members.push(id);
    expect(members.sort()).toEqual(ids.slice(6).sort());
    await Promise.all(ids.map((id) => store.unregister(id)));
    expect(await store.members('t-d')).toEqual({ connectionIds: [] });
    expect(stats.throttled).toBeGreaterThan(10);
    client.destroy();
  });

  it('throttling that outlasts the SDK retries becomes StoreUnavailableError with the cause', async () => {
    const { client } = await throttledClient(1, 2);
    const store = new DynamoDBConnectionStore({ tableName, client });
    const error = await store.register('never=').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).cause).toBeInstanceOf(ProvisionedThroughputExceededException);
    await expect(store.members('any')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.get('never=')).rejects.toBeInstanceOf(StoreUnavailableError);
    client.destroy();
  });

  it('an unreachable endpoint becomes StoreUnavailableError', async () => {
    const store = new DynamoDBConnectionStore({
      tableName,
      clientConfig: { ...localClientConfig, endpoint: 'http://127.0.0.1:9', maxAttempts: 1 },
    });
    const error = await store.get('x=').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).cause).toBeDefined();
    expect(store.client).toBeInstanceOf(DynamoDBClient);
    store.close();
  });
});

describe('a crash midway', () => {
  it('leaves the connection item listing every membership written, so unregister removes all', async () => {
    const client = await testClient();
    // The process "dies" at the second transaction: the fenced chunk of memberships 99 to 149.
    let transactions = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'TransactWriteItemsCommand' && ++transactions === 2) {
          throw new Error('simulated crash');
        }
        return next(args);
      },
      { step: 'initialize', name: 'crashOnSecondTransaction' },
    );
    const store = new DynamoDBConnectionStore({ tableName, client });
    const channels = Array.from({ length: 150 }, (_, n) => `crash#${n}`);
    await expect(store.register('crash=', { channels })).rejects.toBeInstanceOf(StoreUnavailableError);
    const healthy = new DynamoDBConnectionStore({ tableName, client: admin });
    expect((await healthy.get('crash='))?.channels).toHaveLength(150);
    expect(await healthy.members('crash#0')).toEqual({ connectionIds: ['crash='] });
    expect(await healthy.members('crash#149')).toEqual({ connectionIds: [] });
    await healthy.unregister('crash=');
    for (const channel of [channels[0]!, channels[98]!]) {
      expect(await healthy.members(channel)).toEqual({ connectionIds: [] });
    }
    client.destroy();
  });
});
