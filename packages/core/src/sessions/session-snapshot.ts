import type { Logger } from '../logging/logger.js';
import type { ConnectionRecord } from '../store/connection-record.js';
import type { ConnectionStore } from '../store/connection-store.js';
import { DEFAULT_RESUME_WINDOW_SECONDS } from './session-options.js';
import { readOutcome, sessionIdOf } from './session-state.js';
import { sessionStore } from './session-store.js';

/**
 * What runs before a connection's record is removed (its `$disconnect`, or gone-cleanup after a
 * 410, by any `Messenger`): its channels are kept for the connection that resumes its session.
 *
 * - It holds the session: the snapshot (`closeSession`), expiring after the resume window the app
 *   wrote into the record at `$connect` (the default window for records written before it was).
 * - It rejoined a session it never claimed (its resume request never came: a 101 lost, a cut)
 *   and the session has no record: nothing is written — a close would create the session held by
 *   this connection and use up the token of the connection that still holds it.
 * - The session was claimed from it (a resume racing this removal): its channels are joined by
 *   the connection that claimed it, whose takeover may find this record gone, so they are never
 *   lost between the two.
 *
 * A failure is logged: the session then cannot be resumed (`expired`); the record goes anyway.
 */
export async function snapshotSession(
  store: ConnectionStore,
  record: ConnectionRecord,
  logger: Logger,
  window?: number,
): Promise<void> {
  const sessionId = sessionIdOf(record.data);
  if (sessionId === undefined || store.closeSession === undefined) return;
  const me = record.connectionId;
  const outcome = readOutcome(record.data);
  try {
    const sessions = sessionStore(store);
    if (outcome?.resumed === true && outcome.from !== undefined) {
      if ((await sessions.read(sessionId)) === undefined) return;
    }
    const ttl = window ?? outcome?.w ?? DEFAULT_RESUME_WINDOW_SECONDS;
    if (await sessions.close(sessionId, me, record.channels, ttl)) return;
    const holder = (await sessions.read(sessionId))?.holder;
    if (holder === undefined || holder === me || record.channels.length === 0) return;
    const successor = await store.get(holder);
    if (successor === undefined || sessionIdOf(successor.data) !== sessionId) return;
    if (readOutcome(successor.data)?.from !== me) return;
    await store.join(holder, record.channels);
  } catch (error) {
    logger.warn('wsapp: could not keep the session of a closed connection; it cannot be resumed', {
      connectionId: me,
      error,
    });
  }
}
