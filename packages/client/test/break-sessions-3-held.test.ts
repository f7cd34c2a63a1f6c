import { breakSessions3Held } from './break-sessions-3-held.js';

// break-sessions-3: the attacks that held, on the memory store (fast: a few seconds).
breakSessions3Held();
