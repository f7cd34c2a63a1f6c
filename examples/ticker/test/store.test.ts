import { DynamoDBConnectionStore } from '@wsapp/store-dynamodb';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { RedisConnectionStore } from '@wsapp/store-redis';
import { describe, expect, it } from 'vitest';
import { createStore } from '../src/store.js';

describe('createStore (STORE from the environment)', () => {
  it('defaults to the memory store', async () => {
    expect(await createStore({})).toBeInstanceOf(MemoryConnectionStore);
  });

  it('builds a Redis store from REDIS_URL without connecting yet', async () => {
    const store = await createStore({ STORE: 'redis', REDIS_URL: 'redis://127.0.0.1:1' });
    expect(store).toBeInstanceOf(RedisConnectionStore);
    await (store as RedisConnectionStore).close();
  });

  it('builds a DynamoDB store on TABLE_NAME (the table comes from the template in AWS)', async () => {
    const store = await createStore({
      STORE: 'dynamodb',
      TABLE_NAME: 'connections',
      AWS_REGION: 'eu-west-1',
    });
    expect(store).toBeInstanceOf(DynamoDBConnectionStore);
    expect((store as DynamoDBConnectionStore).tableName).toBe('connections');
  });

  it('refuses a missing REDIS_URL or TABLE_NAME and unknown backends', async () => {
    await expect(createStore({ STORE: 'redis' })).rejects.toThrow(
      'REDIS_URL or REDIS_URL_SECRET_ARN must be set',
    );
    await expect(createStore({ STORE: 'dynamodb' })).rejects.toThrow('TABLE_NAME must be set');
    await expect(createStore({ STORE: 'mongo' })).rejects.toThrow('STORE=mongo is not supported');
  });
});
