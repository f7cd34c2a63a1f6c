import type { Logger } from '../logging/logger.js';
import { snapshotSession } from '../sessions/session-snapshot.js';
import type { ConnectionRecord } from '../store/connection-record.js';
import type { ConnectionStore } from '../store/connection-store.js';

/**
 * What runs before gone-cleanup removes the record of a connection it found old enough: the
 * snapshot of the connection's channels into its session, which its own `$disconnect` (later, or
 * never) could no longer write once the record is gone.
 */
export type BeforeGoneRemoval = (record: ConnectionRecord) => Promise<void>;

/**
 * The snapshot every messenger writes before gone-cleanup removes a record (the app's, one built
 * by hand, a fan-out worker's: the record says whether it has a session and its resume window);
 * `undefined` for a store that keeps no sessions.
 */
export function goneSnapshot(
  store: ConnectionStore | undefined,
  logger: Logger,
): BeforeGoneRemoval | undefined {
  if (store?.closeSession === undefined) return undefined;
  return (record) => snapshotSession(store, record, logger);
}
