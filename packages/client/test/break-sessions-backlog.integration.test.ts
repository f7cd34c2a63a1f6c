import { sessionBackends } from '../../local/test/session-backends.js';
import { breakSessionsBacklog } from './break-sessions-backlog.js';

// break-sessions: a backlog just over the largest maxLength on Redis, a Redis Cluster and DynamoDB Local.
for (const backend of sessionBackends.filter((b) => b.name !== 'memory')) {
  breakSessionsBacklog(backend, { maxLength: 10_000 });
}
