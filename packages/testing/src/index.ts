/**
 * Test kit for wsapp apps and store adapters: API Gateway WebSocket event factories, a test
 * clock, a silent logger, a seeded random source, real test backends (Redis, Redis Cluster,
 * DynamoDB Local, SQS/SNS via fauxqs), and a TCP relay that drops clients' network.
 *
 * @packageDocumentation
 * @module @wsapp/testing
 */

/** A deterministic PRNG (mulberry32) for tests that must replay: the one `@wsapp/local`'s faults use. */
export { seededRandom } from '@wsapp/local';
export {
  type BackendHandle,
  type BackendKind,
  type BackendWay,
  type DynamoDBBackend,
  type RedisBackend,
  type RedisClusterBackend,
  type RedisClusterOptions,
  type RedisNodeAddress,
  type SecretsManagerServer,
  type SqsBackend,
  type StartOptions,
  startDynamoDBLocal,
  startRedis,
  startRedisCluster,
  startSecretsManager,
  startSqs,
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
export { type NetworkDrop, startNetworkDrop } from './network/network-drop.js';
export { type LoggedLine, type SilentLogger, silentLogger } from './silent-logger.js';
