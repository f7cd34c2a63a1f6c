/**
 * `DynamoDBConnectionStore`: a `ConnectionStore` on one DynamoDB table (`pk`/`sk`, TTL on
 * `expiresAt`), and `createTable` for tests and scripts.
 *
 * @packageDocumentation
 * @module @wsapp/store-dynamodb
 */
export type { RetryOptions } from './backoff.js';
export { type ChannelShards, MAX_SHARDS } from './channel-shards.js';
export { type CreateTableOptions, createTable } from './create-table.js';
export {
  DynamoDBConnectionStore,
  type DynamoDBConnectionStoreOptions,
} from './dynamodb-connection-store.js';
export { entrySortKey, HISTORY_SORT_KEY } from './history-items.js';
export { type ItemSizeLimits, MAX_ITEM_BYTES, maxChannelsForItem } from './item-size.js';
export {
  CONNECTION_SORT_KEY,
  connectionPartitionKey,
  type DecodedKey,
  decodePartitionKey,
  fnv1a,
  historyPartitionKey,
  membershipPartitionKey,
  sessionPartitionKey,
  shardOf,
} from './key-layout.js';
