import { MemoryConnectionStore } from '@wsapp/store-memory';
import { breakSessions2 } from './break-sessions-2-promises.js';

// break-sessions-2: the attacks on the memory store (the real backends: the integration file).
breakSessions2({ name: 'memory', make: async () => ({ store: new MemoryConnectionStore() }) });
