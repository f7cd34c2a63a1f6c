import { sessionBackends } from './session-backends.js';
import { sessionClaimTests } from './sessions-claim.js';

// When a session changes hands, on Redis, a Redis Cluster and DynamoDB Local.
for (const backend of sessionBackends.filter((b) => b.name !== 'memory')) sessionClaimTests(backend);
