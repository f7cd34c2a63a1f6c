import { DynamoDBConnectionStore } from '@wsapp/store-dynamodb';
import { connectionStoreSuite } from '@wsapp/testing/conformance';
import { afterAll } from 'vitest';
import { dropTable, inspector, LOADED_TIMEOUT_MS, testClient, testTable } from './table.js';

const client = await testClient();
const tableName = await testTable(client, 'conformance');
afterAll(async () => {
  await dropTable(client, tableName);
  client.destroy();
});

connectionStoreSuite('dynamodb', {
  create: ({ clock, ...limits }) =>
    new DynamoDBConnectionStore({
      ...limits,
      tableName,
      client,
      operationTimeoutMs: LOADED_TIMEOUT_MS,
      clock: () => clock.now(),
    }),
  inspect: (store) => inspector(client, store),
  // DynamoDB Local runs every request one at a time: half the storm's operations keep it bounded.
  stormOperations: 6,
});

connectionStoreSuite('dynamodb, channelShards: 4', {
  create: ({ clock, ...limits }) =>
    new DynamoDBConnectionStore({
      ...limits,
      tableName,
      client,
      operationTimeoutMs: LOADED_TIMEOUT_MS,
      channelShards: 4,
      clock: () => clock.now(),
    }),
  inspect: (store) => inspector(client, store),
  // DynamoDB Local runs every request one at a time: half the storm's operations keep it bounded.
  stormOperations: 6,
});
