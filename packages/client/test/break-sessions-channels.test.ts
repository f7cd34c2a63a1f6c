import { MemoryConnectionStore } from '@wsapp/store-memory';
import { breakSessionsChannels } from './break-sessions-channels.js';

// break-sessions: a session in 1,000 history channels on the memory store.
breakSessionsChannels(
  { name: 'memory', make: async () => ({ store: new MemoryConnectionStore() }) },
  { channels: 1000, perChannel: 3 },
);
