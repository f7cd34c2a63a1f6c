import { MemoryConnectionStore } from '@wsapp/store-memory';
import { breakSessions2Race } from './break-sessions-2-race.js';

// break-sessions-2: the $disconnect/claim race on the memory store (the real backends: the integration file).
breakSessions2Race({ name: 'memory', make: async () => ({ store: new MemoryConnectionStore() }) }, 30);
