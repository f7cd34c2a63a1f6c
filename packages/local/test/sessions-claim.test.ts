import { sessionBackends } from './session-backends.js';
import { sessionClaimTests } from './sessions-claim.js';

// When a session changes hands, on the memory store (the real backends: the integration file).
sessionClaimTests(sessionBackends[0] as (typeof sessionBackends)[number]);
