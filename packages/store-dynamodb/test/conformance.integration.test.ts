import { DynamoDBConnectionStore, type DynamoDBConnectionStoreOptions } from '@wsapp/store-dynamodb';
import { connectionStoreSuite } from '@wsapp/testing/conformance';
import { afterAll } from 'vitest';
import { dropTable, inspector, LOADED_TIMEOUT_MS, testClient, testTable } from './table.js';

const client = await testClient();
const tableName = await testTable(client, 'conformance');
afterAll(async () => {
  await dropTable(client, tableName);
  client.destroy();
});

/** The suite over one DynamoDB store configuration (`extra`: options beyond the defaults). */
function dynamoSuite(name: string, extra: Partial<DynamoDBConnectionStoreOptions> = {}) {
  connectionStoreSuite(name, {
    create: ({ clock, ...limits }) =>
      new DynamoDBConnectionStore({
        ...limits,
        ...extra,
        tableName,
        client,
        operationTimeoutMs: LOADED_TIMEOUT_MS,
        clock: () => clock.now(),
      }),
    inspect: (store) => inspector(client, store),
    // DynamoDB Local runs every request one at a time: half the storm's operations keep it bounded.
    stormOperations: 6,
  });
}

dynamoSuite('dynamodb');
dynamoSuite('dynamodb, channelShards: 4', { channelShards: 4 });
