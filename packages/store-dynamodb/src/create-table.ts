import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { errorName } from './errors.js';

/** Options of {@link createTable}; attribute names must match the store's. */
export interface CreateTableOptions {
  tableName: string;
  /** Partition key attribute name. Default `pk`. */
  keyAttr?: string;
  /** Sort key attribute name. Default `sk`. */
  sortKeyAttr?: string;
  /** TTL attribute name. Default `expiresAt`. */
  ttlAttr?: string;
  /** How long to wait for the table to become ACTIVE, ms. Default 60 s. */
  timeoutMs?: number;
}

/**
 * Creates the store's table (on-demand, string `pk`/`sk`, no index) and enables TTL, then waits
 * until it is ACTIVE. For tests and local development (DynamoDB Local): production tables belong
 * in your infrastructure code (see the README for SAM and CDK). An existing table is left as is.
 */
export async function createTable(client: DynamoDBClient, options: CreateTableOptions): Promise<void> {
  const { tableName } = options;
  const pk = options.keyAttr ?? 'pk';
  const sk = options.sortKeyAttr ?? 'sk';
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: pk, AttributeType: 'S' },
          { AttributeName: sk, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: pk, KeyType: 'HASH' },
          { AttributeName: sk, KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    if (errorName(error) !== 'ResourceInUseException') throw error;
    return;
  }
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') break;
    if (Date.now() > deadline) throw new Error(`table ${tableName} did not become ACTIVE in time`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: options.ttlAttr ?? 'expiresAt', Enabled: true },
    }),
  );
}
