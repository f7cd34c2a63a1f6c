export { type ChannelKeys, type ConnectionKeys, escapeName, KeyLayout } from './key-layout.js';
export {
  type RedisClient,
  RedisConnectionStore,
  type RedisConnectionStoreOptions,
} from './redis-connection-store.js';
