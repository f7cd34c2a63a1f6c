import { MemoryConnectionStore } from '@wsapp/store-memory';
import { breakSessionsBacklog } from './break-sessions-backlog.js';

// break-sessions: a backlog just over the largest maxLength, on the memory store.
breakSessionsBacklog(
  { name: 'memory', make: async () => ({ store: new MemoryConnectionStore() }) },
  { maxLength: 10_000 },
);
