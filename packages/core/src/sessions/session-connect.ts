import type { WebSocketContext } from '../context/web-socket-context.js';
import type { Logger } from '../logging/logger.js';
import type { ConnectionStore } from '../store/connection-store.js';
import type { SessionConfig } from './session-options.js';
import { RESUME_KEY, type ResumeOutcome, readSnapshot, SESSION_KEY, snapshotId } from './session-state.js';
import { newSessionId, principalHash, verifySessionToken } from './session-token.js';

/** Query parameter a reconnecting client presents its token in. */
export const SESSION_QUERY = 'wsapp_session';

/** What `$connect` adds to its single register write, and what it removes after it. */
export interface ConnectSession {
  /** Channels to rejoin (already authorized when first joined). */
  channels: string[];
  /** Data keys to write with the record. */
  data: Record<string, unknown>;
  /** The record to remove once the new one is written: the old connection, or the used snapshot. */
  retire?: string;
}

/**
 * Decides a connecting client's session: a new one, or — when it presents a valid token of its
 * own principal whose connection is still recorded or was snapshotted at its disconnect — the
 * token's session with its channels. Reads at most two records; never fails the connection for a
 * bad token (the outcome says why it was not resumed).
 */
export async function connectSession(
  ctx: WebSocketContext<unknown, object, object>,
  store: ConnectionStore,
  config: SessionConfig,
): Promise<ConnectSession> {
  const p = principalHash(config.principal(ctx));
  const fresh = (reason: ResumeOutcome['reason']): ConnectSession => ({
    channels: [],
    data: { [SESSION_KEY]: newSessionId(), [RESUME_KEY]: { p, resumed: false, reason } },
  });
  // The raw query: a `$connect` query schema may have stripped the parameter from ctx.query.
  const token = ctx.event.queryStringParameters?.[SESSION_QUERY];
  if (token === undefined || token === null || token === '') return fresh('none');
  const claims = verifySessionToken(token, config.secrets);
  if (claims === undefined) return fresh('forged');
  if (claims.p !== p) return fresh('foreign');
  const resumed = (channels: string[], retire: string): ConnectSession => ({
    channels,
    data: { [SESSION_KEY]: claims.s, [RESUME_KEY]: { p, resumed: true } },
    retire,
  });
  if (claims.c !== ctx.connectionId) {
    // Make-before-break, or a `$disconnect` that never arrived: the old record still holds it.
    const old = await store.get(claims.c);
    if (old !== undefined && old.data[SESSION_KEY] === claims.s) return resumed(old.channels, claims.c);
  }
  const id = snapshotId(claims.s);
  const snapshot = readSnapshot(await store.get(id));
  if (snapshot === undefined) return fresh('expired');
  // A snapshot written by a later connection of the session: this token was already used.
  if (snapshot.p !== p) return fresh('foreign');
  if (snapshot.connectionId !== claims.c) return fresh('superseded');
  return resumed(snapshot.channels, id);
}

/** Removes the record a resume took the session from; a failure is logged (the new record is written). */
export async function retireSession(
  store: ConnectionStore,
  session: ConnectSession,
  logger: Logger,
  connectionId: string,
): Promise<void> {
  if (session.retire === undefined) return;
  try {
    await store.unregister(session.retire);
  } catch (error) {
    logger.warn('wsapp: could not retire the resumed session record', { connectionId, error });
  }
}
