import type { WebSocketContext } from '../context/web-socket-context.js';
import type { ConnectionStore } from '../store/connection-store.js';
import type { SessionConfig } from './session-options.js';
import { RESUME_KEY, type ResumeOutcome, SESSION_KEY } from './session-state.js';
import type { SessionStore } from './session-store.js';
import { newSessionId, principalHash, verifySessionToken } from './session-token.js';

/** Query parameter a reconnecting client presents its token in. */
export const SESSION_QUERY = 'wsapp_session';
/** Query parameter a client names its instance in, with its token (see `ResumeOutcome.i`). */
export const CLIENT_QUERY = 'wsapp_client';
/** What an instance id may be: up to 64 characters of base64url (anything else is ignored). */
const INSTANCE = /^[A-Za-z0-9_-]{1,64}$/;

/** What `$connect` adds to its single register write, and what it does around it. */
export interface ConnectSession {
  /** The session id (new, or the resumed one). */
  sessionId: string;
  /** Channels to rejoin now (already authorized when first joined). */
  channels: string[];
  /**
   * Channels the session is in: their starts are kept when the handler joins them again. Besides
   * `channels`, a live old connection's (make-before-break): this connection joins those at its
   * claim, from the old record as it is then, so joins and leaves answered meanwhile hold.
   */
  inSession: string[];
  /** The connection holding the session, which writes its marks until the resume request claims it. */
  holder: string;
  /** Data keys to write with the record. */
  data: Record<string, unknown>;
}

/**
 * Decides a connecting client's session: a new one, or — when it presents a valid token of its
 * own principal, and the token's connection still holds the session — the token's session, with
 * its channels: the old connection's record if it is still recorded (make-before-break, or a
 * `$disconnect` that has not run), else the snapshot its `$disconnect` wrote into the session
 * before removing the record. Nothing is claimed here: the session stays with the token's
 * connection until this connection's resume request claims it (`claimSession`, atomic: of any
 * number of connections presenting one token, exactly one claims it), so a connection the client
 * never saw open (its 101 lost, or cut before any frame) costs neither the token nor the old
 * connection. Never fails the connection for a bad token (the outcome says why it was not resumed).
 */
export async function connectSession(
  ctx: WebSocketContext<unknown, object, object>,
  store: ConnectionStore,
  sessions: SessionStore,
  config: SessionConfig,
): Promise<ConnectSession> {
  const p = principalHash(config.principal(ctx));
  const window = config.resumeWindowSeconds;
  const given = ctx.event.queryStringParameters?.[CLIENT_QUERY];
  const instance = typeof given === 'string' && INSTANCE.test(given) ? given : undefined;
  const fresh = (reason: ResumeOutcome['reason']): ConnectSession =>
    freshSession(ctx.connectionId, p, reason, window, instance);
  // The raw query: a `$connect` query schema may have stripped the parameter from ctx.query.
  const token = ctx.event.queryStringParameters?.[SESSION_QUERY];
  if (token === undefined || token === null || token === '') return fresh('none');
  const claims = verifySessionToken(token, config.secrets);
  if (claims === undefined) return fresh('forged');
  if (claims.p !== p) return fresh('foreign');
  if (claims.c === ctx.connectionId) return fresh('expired');
  const [old, session] = await Promise.all([store.get(claims.c), sessions.read(claims.s)]);
  const live = old !== undefined && old.data[SESSION_KEY] === claims.s ? old : undefined;
  // A session record is created by its first mark or claim: a live connection may have none yet.
  if (session !== undefined && session.holder !== claims.c) return fresh('superseded');
  let channels: string[];
  if (live !== undefined) channels = [];
  // The snapshot written before its record went ($disconnect, or gone-cleanup after a 410).
  else if (session?.closed === true) channels = Object.keys(session.channels);
  // Neither its record nor a snapshot: the resume window passed (or the snapshot could not be
  // written). The starts a live session recorded are not its channels: `store.leave` (a kick)
  // does not clear them.
  else return fresh('expired');
  const outcome: ResumeOutcome = {
    p,
    resumed: true,
    from: claims.c,
    live: live !== undefined,
    w: window,
    ...(instance === undefined ? {} : { i: instance }),
  };
  return {
    sessionId: claims.s,
    channels,
    inSession: live?.channels ?? channels,
    holder: claims.c,
    data: { [SESSION_KEY]: claims.s, [RESUME_KEY]: outcome },
  };
}

/** A new session for `connectionId`, with why the connection did not resume one. */
export function freshSession(
  connectionId: string,
  p: string,
  reason: ResumeOutcome['reason'],
  window: number,
  instance?: string,
): ConnectSession {
  const sessionId = newSessionId();
  const outcome: ResumeOutcome = { p, resumed: false, reason, w: window };
  if (instance !== undefined) outcome.i = instance;
  return {
    sessionId,
    channels: [],
    inSession: [],
    holder: connectionId,
    data: { [SESSION_KEY]: sessionId, [RESUME_KEY]: outcome },
  };
}
