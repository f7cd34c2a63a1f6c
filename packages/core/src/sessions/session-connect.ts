import type { WebSocketContext } from '../context/web-socket-context.js';
import type { ConnectionStore } from '../store/connection-store.js';
import type { SessionConfig } from './session-options.js';
import { RESUME_KEY, type ResumeOutcome, SESSION_KEY } from './session-state.js';
import type { SessionStore } from './session-store.js';
import { newSessionId, principalHash, verifySessionToken } from './session-token.js';

/** Query parameter a reconnecting client presents its token in. */
export const SESSION_QUERY = 'wsapp_session';

/** What `$connect` adds to its single register write, and what it does around it. */
export interface ConnectSession {
  /** The session id (new, or the resumed one). */
  sessionId: string;
  /** Channels to rejoin (already authorized when first joined). */
  channels: string[];
  /**
   * The session's recorded channels (channel → start, -1 unknown) as the claim found them:
   * rejoined channels keep theirs; the others are stale (left without `ctx.leave`).
   */
  known: Record<string, number>;
  /** Data keys to write with the record. */
  data: Record<string, unknown>;
  /** The connection whose session was claimed, and what the claim found (to give it back if the register fails). */
  claimedFrom?: { connectionId: string; closed: boolean };
  /** The old connection's record to remove once the new one is written (make-before-break). */
  retire?: string;
}

/**
 * Decides a connecting client's session: a new one, or — when it presents a valid token of its
 * own principal — the token's session, claimed atomically (`claimSession`: of any number of
 * connections presenting one token, exactly one gets the session), with its channels: the old
 * connection's record if it is still recorded (make-before-break, or a `$disconnect` that has not
 * run), else the snapshot its `$disconnect` wrote into the session before removing the record.
 * Never fails the connection for a bad token (the outcome says why it was not resumed).
 */
export async function connectSession(
  ctx: WebSocketContext<unknown, object, object>,
  store: ConnectionStore,
  sessions: SessionStore,
  config: SessionConfig,
): Promise<ConnectSession> {
  const p = principalHash(config.principal(ctx));
  const fresh = (reason: ResumeOutcome['reason']): ConnectSession => {
    const sessionId = newSessionId();
    return {
      sessionId,
      channels: [],
      known: {},
      data: { [SESSION_KEY]: sessionId, [RESUME_KEY]: { p, resumed: false, reason } },
    };
  };
  // The raw query: a `$connect` query schema may have stripped the parameter from ctx.query.
  const token = ctx.event.queryStringParameters?.[SESSION_QUERY];
  if (token === undefined || token === null || token === '') return fresh('none');
  const claims = verifySessionToken(token, config.secrets);
  if (claims === undefined) return fresh('forged');
  if (claims.p !== p) return fresh('foreign');
  if (claims.c === ctx.connectionId) return fresh('expired');
  const old = await store.get(claims.c);
  const live = old !== undefined && old.data[SESSION_KEY] === claims.s ? old : undefined;
  if (live === undefined) {
    // No record: resumable only from the snapshot the old connection's `$disconnect` wrote (it
    // writes it before removing the record, so a record gone means a snapshot there).
    const session = await sessions.read(claims.s);
    if (session === undefined) return fresh('expired');
    if (session.holder !== claims.c) return fresh('superseded');
    if (!session.closed) return fresh('expired');
  }
  const claim = await sessions.claim(claims.s, claims.c, ctx.connectionId, config.liveSessionSeconds);
  if (claim === undefined) return fresh('superseded');
  const channels = claim.closed ? Object.keys(claim.channels) : live?.channels;
  if (channels === undefined) return fresh('expired');
  return {
    sessionId: claims.s,
    channels,
    known: claim.channels,
    data: { [SESSION_KEY]: claims.s, [RESUME_KEY]: { p, resumed: true } },
    claimedFrom: { connectionId: claims.c, closed: claim.closed },
    ...(live === undefined ? {} : { retire: claims.c }),
  };
}
