import { sessionBackends } from '../../local/test/session-backends.js';
import { breakSessionsChannels } from './break-sessions-channels.js';

// break-sessions: a session in 1,000 history channels on Redis, a Redis Cluster and DynamoDB Local.
for (const backend of sessionBackends.filter((b) => b.name !== 'memory')) {
  breakSessionsChannels(backend, { channels: 1000, perChannel: 3 });
}
