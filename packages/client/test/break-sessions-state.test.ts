import { MemoryConnectionStore } from '@wsapp/store-memory';
import { breakSessionsState } from './break-sessions-state.js';

// break-sessions: bounded state and joins racing a replacement on the memory store.
breakSessionsState({ name: 'memory', make: async () => ({ store: new MemoryConnectionStore() }) });
