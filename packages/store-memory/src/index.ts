export { MemoryConnectionStore, type MemoryConnectionStoreOptions } from './memory-connection-store.js';
