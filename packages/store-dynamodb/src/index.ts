export type { RetryOptions } from './backoff.js';
export { type ChannelShards, MAX_SHARDS } from './channel-shards.js';
export { type CreateTableOptions, createTable } from './create-table.js';
export {
  DynamoDBConnectionStore,
  type DynamoDBConnectionStoreOptions,
} from './dynamodb-connection-store.js';
export {
  CONNECTION_SORT_KEY,
  connectionPartitionKey,
  type DecodedKey,
  decodePartitionKey,
  fnv1a,
  membershipPartitionKey,
  shardOf,
} from './key-layout.js';
