import { MemoryConnectionStore } from '@wsapp/store-memory';
import { breakSessions2Server } from './break-sessions-2-server.js';

// break-sessions-2, the server's side: the attacks on the memory store (the real backends: the integration file).
breakSessions2Server({ name: 'memory', make: async () => ({ store: new MemoryConnectionStore() }) });
