import { DynamoDBConnectionStore } from '@wsapp/store-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { dropTable, testClient, testTable } from './table.js';

const client = await testClient();
const tableName = await testTable(client, 'edge');
afterAll(async () => {
  await dropTable(client, tableName);
  client.destroy();
});

describe('data edge cases', () => {
  it('round-trips an empty key and numbers exactly', async () => {
    const store = new DynamoDBConnectionStore({ tableName, client });
    await store.register('e=', { data: { '': 1, big: 2 ** 53 - 1, tiny: 1e-7, s: '' } });
    expect((await store.get('e='))?.data).toEqual({ '': 1, big: 2 ** 53 - 1, tiny: 1e-7, s: '' });
    await store.update('e=', { '': 2 });
    expect((await store.get('e='))?.data['']).toBe(2);
  });
});
