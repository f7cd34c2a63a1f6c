import type { Logger } from '../logging/logger.js';
import type { ConnectionRecord } from '../store/connection-record.js';
import type { ConnectionStore } from '../store/connection-store.js';
import type { SessionConfig } from './session-options.js';
import { readOutcome, SESSION_KEY, type SessionSnapshot, snapshotId } from './session-state.js';

/**
 * At `$disconnect`: keeps the removed connection's channels as a channel-less record that expires
 * after the resume window (one write), so a reconnect with the connection's token resumes them. A
 * failure (e.g. channels beyond the 32 KB data limit) is logged: the session is then not resumable.
 */
export async function snapshotSession(
  store: ConnectionStore,
  config: SessionConfig,
  removed: ConnectionRecord | undefined,
  logger: Logger,
): Promise<void> {
  const sessionId = removed?.data[SESSION_KEY];
  if (removed === undefined || typeof sessionId !== 'string') return;
  const outcome = readOutcome(removed.data);
  const data: SessionSnapshot = {
    p: outcome?.p ?? '',
    channels: removed.channels,
    connectionId: removed.connectionId,
  };
  try {
    await store.register(snapshotId(sessionId), {
      data: data as unknown as Record<string, unknown>,
      ttlSeconds: config.resumeWindowSeconds,
    });
  } catch (error) {
    logger.warn('wsapp: could not keep the session of a closed connection; it cannot be resumed', {
      connectionId: removed.connectionId,
      channels: removed.channels.length,
      error,
    });
  }
}
