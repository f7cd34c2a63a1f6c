import { MemoryConnectionStore } from '@wsapp/store-memory';
import { breakSessionsLifecycle } from './break-sessions-lifecycle.js';

// break-sessions: the lifecycle attacks on the memory store (the real backends: the integration file).
breakSessionsLifecycle({ name: 'memory', make: async () => ({ store: new MemoryConnectionStore() }) });
