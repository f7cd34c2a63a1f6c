export {
  type BackendHandle,
  type BackendKind,
  type BackendWay,
  type DynamoDBBackend,
  type RedisBackend,
  type RedisClusterBackend,
  type RedisClusterOptions,
  type RedisNodeAddress,
  type StartOptions,
  startDynamoDBLocal,
  startRedis,
  startRedisCluster,
  uniqueName,
} from './backends/index.js';
export { TestClock } from './conformance/test-clock.js';
export {
  type ConnectEventOptions,
  connectEvent,
  type DisconnectEventOptions,
  disconnectEvent,
  type EventOptions,
  type MessageEventOptions,
  messageEvent,
} from './events/api-gateway-events.js';
export { connectionIdLike, requestIdLike } from './events/ids.js';
