import { sessionBackends } from '../../local/test/session-backends.js';
import { breakSessions2 } from './break-sessions-2-promises.js';

// break-sessions-2: the attacks on Redis, a Redis Cluster and DynamoDB Local.
for (const backend of sessionBackends.filter((b) => b.name !== 'memory')) breakSessions2(backend);
