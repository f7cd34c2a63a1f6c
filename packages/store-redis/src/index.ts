/**
 * `RedisConnectionStore`: a `ConnectionStore` in Redis (ioredis), standalone or Cluster.
 *
 * @packageDocumentation
 * @module @wsapp/store-redis
 */
export { EvictionPolicyError } from './eviction-policy.js';
export { type HistoryKeys, historyKeys } from './history-log.js';
export { type ChannelKeys, type ConnectionKeys, escapeName, KeyLayout } from './key-layout.js';
export { RedisConnectionStore } from './redis-connection-store.js';
export type { RedisClient, RedisConnectionStoreOptions } from './redis-store-options.js';
export { type SessionKeys, sessionKeys } from './sessions.js';
