import { sessionBackends } from '../../local/test/session-backends.js';
import { breakSessionsLifecycle } from './break-sessions-lifecycle.js';

// break-sessions: the lifecycle attacks on Redis, a Redis Cluster and DynamoDB Local.
for (const backend of sessionBackends.filter((b) => b.name !== 'memory')) breakSessionsLifecycle(backend);
