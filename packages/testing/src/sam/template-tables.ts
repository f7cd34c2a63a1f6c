import type {
  AttributeDefinition,
  BillingMode,
  GlobalSecondaryIndex,
  KeySchemaElement,
  ProvisionedThroughput,
  TimeToLiveSpecification,
} from '@aws-sdk/client-dynamodb';
import { lazySdk } from '@wsapp/core';
import { uniqueName } from '../backends/unique-name.js';
import { resourcesOfType, type Template } from './cloudformation.js';

/** Where {@link createTemplateTables} creates tables: DynamoDB Local (`inject('wsappDynamoDB')`). */
export interface DynamoDBEndpoint {
  /** `http://host:port`. */
  endpoint: string;
  /** The region to sign requests for. */
  region: string;
  /** Credentials to sign requests with. */
  credentials: {
    /** Letters and digits only, as DynamoDB Local 2+ requires. */
    accessKeyId: string;
    /** Any value. */
    secretAccessKey: string;
  };
}

const loadDynamoDB = lazySdk(
  '@aws-sdk/client-dynamodb',
  () => import('@aws-sdk/client-dynamodb'),
  "samApp's tables",
);

/**
 * Creates every `AWS::DynamoDB::Table` of `template` in `dynamodb` as CloudFormation would create
 * it — its `KeySchema`, `AttributeDefinitions`, `BillingMode`, `ProvisionedThroughput`,
 * `GlobalSecondaryIndexes` and, once active, its `TimeToLiveSpecification` — under a fresh name
 * (`<prefix>-<logical id>-…`, see `uniqueName`), and answers the names by logical id: what
 * `!Ref <table>` resolves to. Needs `@aws-sdk/client-dynamodb` (an optional peer).
 */
export async function createTemplateTables(
  template: Template,
  dynamodb: DynamoDBEndpoint,
  prefix: string,
): Promise<Map<string, string>> {
  const { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand, waitUntilTableExists } =
    await loadDynamoDB();
  const client = new DynamoDBClient(dynamodb);
  const names = new Map<string, string>();
  try {
    for (const id of resourcesOfType(template, 'AWS::DynamoDB::Table')) {
      const table = template.Resources[id]?.Properties ?? {};
      const name = uniqueName(`${prefix}-${id}`);
      await client.send(
        new CreateTableCommand({
          TableName: name,
          KeySchema: table.KeySchema as KeySchemaElement[],
          AttributeDefinitions: table.AttributeDefinitions as AttributeDefinition[],
          BillingMode: table.BillingMode as BillingMode | undefined,
          ProvisionedThroughput: table.ProvisionedThroughput as ProvisionedThroughput | undefined,
          ...(table.GlobalSecondaryIndexes === undefined
            ? {}
            : { GlobalSecondaryIndexes: table.GlobalSecondaryIndexes as GlobalSecondaryIndex[] }),
        }),
      );
      await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: name });
      if (table.TimeToLiveSpecification !== undefined) {
        await client.send(
          new UpdateTimeToLiveCommand({
            TableName: name,
            TimeToLiveSpecification: table.TimeToLiveSpecification as TimeToLiveSpecification,
          }),
        );
      }
      names.set(id, name);
    }
  } finally {
    client.destroy();
  }
  return names;
}
