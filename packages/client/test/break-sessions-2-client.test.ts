import { MemoryConnectionStore } from '@wsapp/store-memory';
import { breakSessions2Client } from './break-sessions-2-client.js';

// break-sessions-2, the client's side: the memory store (the real backends: the integration file).
breakSessions2Client({ name: 'memory', make: async () => ({ store: new MemoryConnectionStore() }) });
