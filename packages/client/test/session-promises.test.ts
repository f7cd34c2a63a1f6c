import { MemoryConnectionStore } from '@wsapp/store-memory';
import { sessionPromises } from './session-promises.js';

// The memory store: the largest backlog a history channel keeps (maxLength 10,000).
sessionPromises(
  { name: 'memory', make: async () => ({ store: new MemoryConnectionStore() }) },
  { backlog: 10_000 },
);
