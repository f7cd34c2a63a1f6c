import { sessionBackends } from '../../local/test/session-backends.js';
import { breakSessionsState } from './break-sessions-state.js';

// break-sessions: bounded state and joins racing a replacement on Redis, a Redis Cluster and DynamoDB Local.
for (const backend of sessionBackends.filter((b) => b.name !== 'memory')) breakSessionsState(backend);
