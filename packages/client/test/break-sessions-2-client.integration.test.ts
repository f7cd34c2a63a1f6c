import { sessionBackends } from '../../local/test/session-backends.js';
import { breakSessions2Client } from './break-sessions-2-client.js';

// break-sessions-2, the client's side: Redis, a Redis Cluster and DynamoDB Local.
for (const backend of sessionBackends.filter((b) => b.name !== 'memory')) breakSessions2Client(backend);
