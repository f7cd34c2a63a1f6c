import { sessionBackends } from '../../local/test/session-backends.js';
import { breakSessions2Server } from './break-sessions-2-server.js';

// break-sessions-2, the server's side: the attacks on Redis, a Redis Cluster and DynamoDB Local.
for (const backend of sessionBackends.filter((b) => b.name !== 'memory')) breakSessions2Server(backend);
