export { startDynamoDBLocal } from './dynamodb.js';
export { startRedis } from './redis.js';
export { type RedisClusterOptions, startRedisCluster } from './redis-cluster.js';
export { type SecretsManagerServer, startSecretsManager } from './secrets-manager.js';
export { startSqs } from './sqs.js';
export type {
  BackendHandle,
  BackendKind,
  BackendWay,
  DynamoDBBackend,
  RedisBackend,
  RedisClusterBackend,
  RedisNodeAddress,
  SqsBackend,
  StartOptions,
} from './types.js';
export { uniqueName } from './unique-name.js';
