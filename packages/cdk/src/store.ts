import type { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { suppressNag } from './nag.js';

/** Store the connections (and history) in a DynamoDB table the construct creates. */
export interface DynamoDBStoreOptions {
  /** `dynamodb`. */
  readonly kind: 'dynamodb';
  /**
   * Point-in-time recovery. Default `false`: records expire 2 h 10 min after `$connect` and history
   * entries within their retention, so there is little to recover and PITR costs per GB-month.
   */
  readonly pointInTimeRecovery?: boolean;
  /** What `cdk destroy` does with the table. Default: the construct's `removalPolicy`. */
  readonly removalPolicy?: RemovalPolicy;
}

/** Use an existing Redis (ElastiCache or your own): the construct creates no store. */
export interface RedisStoreOptions {
  /** `redis`. */
  readonly kind: 'redis';
  /** A `redis://` or `rediss://` URL without credentials, put in `REDIS_URL`. */
  readonly url?: string;
  /**
   * A secret holding the whole URL (with its password): only its ARN is in the environment
   * (`REDIS_URL_SECRET_ARN`); the function reads it at run time with `secretReader`.
   */
  readonly urlSecret?: ISecret;
}

/** Where the app keeps connections, memberships and history. */
export type WsappStoreOptions = DynamoDBStoreOptions | RedisStoreOptions;

/**
 * The DynamoDB actions `@wsapp/store-dynamodb` performs (transactions are authorized per item action,
 * so `TransactWriteItems` needs these too). No Scan, no table management, no index.
 */
export const DYNAMODB_STORE_ACTIONS = [
  'dynamodb:ConditionCheckItem',
  'dynamodb:DeleteItem',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:UpdateItem',
] as const;

/**
 * The table `@wsapp/store-dynamodb` expects: string `pk` (hash) and `sk` (range), on demand, TTL on
 * `expiresAt`, no index (its `createTable` makes the same).
 */
export function connectionsTable(
  scope: Construct,
  options: DynamoDBStoreOptions,
  removalPolicy: RemovalPolicy,
): Table {
  const pitr = options.pointInTimeRecovery ?? false;
  const table = new Table(scope, 'ConnectionsTable', {
    partitionKey: { name: 'pk', type: AttributeType.STRING },
    sortKey: { name: 'sk', type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    timeToLiveAttribute: 'expiresAt',
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: pitr },
    removalPolicy: options.removalPolicy ?? removalPolicy,
  });
  if (!pitr) {
    suppressNag(table, [
      {
        id: 'AwsSolutions-DDB3',
        reason:
          'Point-in-time recovery is off by choice (pointInTimeRecovery: true turns it on): the table holds ' +
          'connection records that expire 2 h 10 min after $connect and bounded, expiring history.',
      },
    ]);
  }
  return table;
}
