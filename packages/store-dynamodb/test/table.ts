import { randomBytes } from 'node:crypto';
import {
  type AttributeValue,
  DeleteTableCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  GetItemCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import {
  createTable,
  type DynamoDBConnectionStore,
  historyPartitionKey,
  sessionPartitionKey,
} from '@wsapp/store-dynamodb';
import type { RawHistoryItem, RawItem, RawMember, StoreInspector } from '@wsapp/testing/conformance';
import { afterAll, beforeAll } from 'vitest';
import { dynamoEndpoint, localClientConfig } from './dynamodb-endpoint.js';

/** A client on the test endpoint. */
export async function testClient(config: Partial<DynamoDBClientConfig> = {}): Promise<DynamoDBClient> {
  return new DynamoDBClient({ ...localClientConfig, endpoint: await dynamoEndpoint(), ...config });
}

/** Creates a table with a unique name for one test file; answers its name. */
export async function testTable(client: DynamoDBClient, prefix: string): Promise<string> {
  const tableName = `${prefix}-${randomBytes(4).toString('hex')}`;
  await createTable(client, { tableName });
  return tableName;
}

/** A test file's client and table (read them inside hooks and tests: they are set in `beforeAll`). */
export interface TestTable {
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

/** A client and a fresh table for one test file: made before its tests, dropped after them. */
export function useTestTable(prefix: string): TestTable {
  let client: DynamoDBClient | undefined;
  let tableName: string | undefined;
  beforeAll(async () => {
    client = await testClient();
    tableName = await testTable(client, prefix);
  });
  afterAll(async () => {
    if (client === undefined) return;
    if (tableName !== undefined) await dropTable(client, tableName);
    client.destroy();
  });
  return {
    get client() {
      if (client === undefined) throw new Error('useTestTable: read the client inside a hook or test');
      return client;
    },
    get tableName() {
      if (tableName === undefined) throw new Error('useTestTable: read the table inside a hook or test');
      return tableName;
    },
  };
}

/** The raw connection item of `connectionId` (consistent GetItem); `undefined` when there is none. */
export async function rawConnectionItem(
  { client, tableName }: TestTable,
  connectionId: string,
): Promise<Record<string, AttributeValue> | undefined> {
  const { Item } = await client.send(
    new GetItemCommand({
      TableName: tableName,
      Key: { pk: { S: `c#${connectionId}` }, sk: { S: 'c' } },
      ConsistentRead: true,
    }),
  );
  return Item;
}

/** Every item of the table that `filter` keeps (consistent Scan, every page), raw. */
export async function scanAll(
  { client, tableName }: TestTable,
  filter?: { expression: string; values: Record<string, AttributeValue> },
): Promise<Array<Record<string, AttributeValue>>> {
  return allPages((start) =>
    client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: filter?.expression,
        ExpressionAttributeValues: filter?.values,
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    ),
  );
}

type Item = Record<string, AttributeValue>;

/** Every item of a paged Scan or Query: `page(start)` reads the page after `start`. */
async function allPages(
  page: (start: Item | undefined) => Promise<{ Items?: Item[]; LastEvaluatedKey?: Item }>,
): Promise<Item[]> {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const out = await page(start);
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
}

/** Drops a table made by {@link testTable}. */
export async function dropTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
}

/** Backdoor reads with raw GetItem/Query, bypassing the store (expired items included). */
export function inspector(client: DynamoDBClient, store: DynamoDBConnectionStore): StoreInspector {
  const { tableName } = store;
  return {
    async connectionItems(connectionId): Promise<RawItem[]> {
      const pk = `c#${connectionId}`;
      const { Item } = await client.send(
        new GetItemCommand({
          TableName: tableName,
          Key: { pk: { S: pk }, sk: { S: 'c' } },
          ConsistentRead: true,
        }),
      );
      return Item === undefined ? [] : [{ key: `${pk}|c`, expiresAt: ttl(Item) }];
    },
    async channelMembers(channel): Promise<RawMember[]> {
      const members: RawMember[] = [];
      for (const pk of store.channelPartitionKeys(channel)) {
        for (const item of await queryAll(client, tableName, pk)) {
          members.push({ connectionId: item.sk?.S ?? '?', expiresAt: ttl(item) });
        }
      }
      return members;
    },
    async historyEntries(channel): Promise<RawHistoryItem[]> {
      // Entries only: not the head counter (sk `h`), nor tombstones (no payload) or leftovers of
      // an earlier numbering epoch, told apart by the head's epoch.
      const items = await queryAll(client, tableName, historyPartitionKey(channel));
      const epoch = items.find((i) => i.sk?.S === 'h')?.ep?.S;
      return items
        .filter((i) => i.sk?.S?.startsWith('e#') && i.p !== undefined && i.ep?.S === epoch)
        .map((i) => ({ seq: Number(i.sk!.S!.slice(2)), expiresAt: ttl(i) }));
    },
    async sessionItems(sessionId): Promise<RawItem[]> {
      const pk = sessionPartitionKey(sessionId);
      return (await queryAll(client, tableName, pk)).map((i) => ({
        key: `${pk}|${i.sk?.S}`,
        expiresAt: ttl(i),
      }));
    },
  };
}

/** Every item of one partition key, raw. */
export async function queryAll(
  client: DynamoDBClient,
  tableName: string,
  pk: string,
): Promise<Array<Record<string, AttributeValue>>> {
  return allPages((start) =>
    client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: pk } },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    ),
  );
}

function ttl(item: Record<string, AttributeValue>): number | undefined {
  const n = item.expiresAt?.N;
  return n === undefined ? undefined : Number(n);
}

/**
 * `operationTimeoutMs` for stores under test load: DynamoDB Local runs transactions one at a time,
 * so on the shared test machine a call can queue behind hundreds of others for longer than the
 * 5 s default meant for DynamoDB. The frozen-server test checks the deadline itself.
 */
export const LOADED_TIMEOUT_MS = 30_000;

/**
 * A test table whose client records the name of every SDK command it sends (one per store call
 * to `client.send`, before any SDK retry), dropped after the file; `counted(work)` answers the
 * commands `work` sent.
 */
export async function countingTestTable(prefix: string) {
  const client = await testClient();
  const tableName = await testTable(client, prefix);
  const sent: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(context.commandName ?? '?');
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  afterAll(async () => {
    await dropTable(client, tableName);
    client.destroy();
  });
  const counted = async (work: () => Promise<unknown>): Promise<string[]> => {
    sent.length = 0;
    await work();
    return [...sent];
  };
  return { client, tableName, counted };
}
