import type { DefaultAuthorizer, DefaultState, WebSocketContext } from '../context/web-socket-context.js';
import { MAX_CONNECTION_SECONDS } from '../limits.js';

/**
 * Sessions that survive reconnects: every connection gets a session; a client that reconnects
 * with its token (query `wsapp_session`) within the resume window gets the session's channels back
 * in the same `$connect` write, and the `resume` route replays what it missed on history channels.
 *
 * @example
 * ```ts
 * new WebSocketApp({ store, history: { channels: ['room:*'] }, sessions: { secret: process.env.SESSION_SECRET! } });
 * ```
 */
export interface SessionOptions<
  TState extends object = DefaultState,
  TAuthorizer extends object = DefaultAuthorizer,
> {
  /**
   * HMAC-SHA256 key(s) the session tokens are signed with, each at least 32 bytes. The first signs,
   * every one verifies. To rotate, in three deployments, each done everywhere before the next:
   * add the new key last (`[old, new]`: every function verifies it before any signs with it), put
   * it first (`[new, old]`), then drop the old one a resume window later (`[new]`).
   */
  secret: string | readonly string[];
  /** How long after a disconnect a session can still be resumed, seconds (default 600, at most 7 days). */
  resumeWindowSeconds?: number;
  /**
   * The authenticated principal a session is bound to: a token is only accepted from the same
   * principal. Default: `ctx.authorizer.principalId` (a Lambda authorizer's). Without a principal
   * a token is a bearer secret: whoever holds it can resume the session.
   */
  principal?: (ctx: WebSocketContext<unknown, TState, TAuthorizer>) => string | undefined;
  /** Route key of the resume route, registered automatically as a two-way route (default `resume`). */
  action?: string;
}

/** Validated {@link SessionOptions}. */
export interface SessionConfig {
  /** Signing keys, the first one signs. */
  readonly secrets: readonly Buffer[];
  /** Lifetime of a disconnected session's snapshot, seconds. */
  readonly resumeWindowSeconds: number;
  /** The principal of the connection an event belongs to. */
  readonly principal: (ctx: WebSocketContext<unknown, object, object>) => string | undefined;
  /** The resume route's key. */
  readonly action: string;
  /**
   * Lifetime of a session while a connection holds it, seconds: a connection's longest life
   * (API Gateway's 2 hours + the records' 10-minute grace) plus the resume window; refreshed by
   * every claim and mark.
   */
  readonly liveSessionSeconds: number;
}

/** The grace stores add to a connection record's 2-hour life by default. */
const RECORD_GRACE_SECONDS = 10 * 60;

/** Shortest accepted secret, bytes (HMAC-SHA256's block-size half: 256 bits of key). */
export const MIN_SESSION_SECRET_BYTES = 32;
/** Longest accepted resume window: 7 days, like the longest history retention. */
export const MAX_RESUME_WINDOW_SECONDS = 7 * 24 * 60 * 60;
/** Default resume window: 10 minutes. */
export const DEFAULT_RESUME_WINDOW_SECONDS = 600;

const defaultPrincipal = (ctx: WebSocketContext<unknown, object, object>): string | undefined => {
  const id = (ctx.authorizer as { principalId?: unknown } | undefined)?.principalId;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
};

/** Validates {@link SessionOptions}; throws a TypeError/RangeError naming the bad option. */
export function sessionConfig(options: SessionOptions<never, never>): SessionConfig {
  const given = typeof options.secret === 'string' ? [options.secret] : options.secret;
  if (!Array.isArray(given) || given.length === 0) {
    throw new TypeError('sessions.secret must be a string or a non-empty array of strings');
  }
  const secrets = given.map((secret: unknown) => {
    if (typeof secret !== 'string' || Buffer.byteLength(secret, 'utf8') < MIN_SESSION_SECRET_BYTES) {
      throw new RangeError(
        `sessions.secret: every secret must be a string of at least ${MIN_SESSION_SECRET_BYTES} bytes`,
      );
    }
    return Buffer.from(secret, 'utf8');
  });
  const window = options.resumeWindowSeconds ?? DEFAULT_RESUME_WINDOW_SECONDS;
  if (!Number.isInteger(window) || window < 1 || window > MAX_RESUME_WINDOW_SECONDS) {
    throw new RangeError(
      `sessions.resumeWindowSeconds must be an integer from 1 to ${MAX_RESUME_WINDOW_SECONDS}`,
    );
  }
  const action = options.action ?? 'resume';
  if (typeof action !== 'string' || action.length === 0 || action.startsWith('$')) {
    throw new TypeError('sessions.action must be a route key that does not start with $');
  }
  if (options.principal !== undefined && typeof options.principal !== 'function') {
    throw new TypeError('sessions.principal must be a function of the context');
  }
  return Object.freeze({
    secrets: Object.freeze(secrets),
    resumeWindowSeconds: window,
    liveSessionSeconds: MAX_CONNECTION_SECONDS + RECORD_GRACE_SECONDS + window,
    principal: (options.principal as SessionConfig['principal'] | undefined) ?? defaultPrincipal,
    action,
  });
}
