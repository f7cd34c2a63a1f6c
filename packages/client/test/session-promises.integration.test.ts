import { sessionBackends } from '../../local/test/session-backends.js';
import { sessionPromises } from './session-promises.js';

// Redis, a Redis Cluster and DynamoDB Local (started by the integration harness): the same
// promises as on the memory store, with a 2,000-message backlog (the size of issue 26's report).
for (const backend of sessionBackends.filter((b) => b.name !== 'memory')) {
  sessionPromises(backend, { backlog: 2000 });
}
