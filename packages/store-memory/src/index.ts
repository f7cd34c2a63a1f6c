/**
 * `MemoryConnectionStore`: a `ConnectionStore` in process memory, for unit tests and local
 * development.
 *
 * @packageDocumentation
 * @module @wsapp/store-memory
 */

export type { RawHistoryEntry } from './history-log.js';
export { MemoryConnectionStore, type MemoryConnectionStoreOptions } from './memory-connection-store.js';
