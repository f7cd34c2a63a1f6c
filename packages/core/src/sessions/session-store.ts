import { BaseConnectionStore } from '../store/base-connection-store.js';
import type { ConnectionStore } from '../store/connection-store.js';
import type { SessionClaim, SessionMarks, SessionRecord } from '../store/session-record.js';
import { SessionsNotSupportedError } from '../store/session-record.js';

/** A store's session methods, bound (see `SessionRecord` in the store contract). */
export interface SessionStore {
  claim(sessionId: string, from: string, to: string, ttlSeconds: number): Promise<SessionClaim | undefined>;
  mark(sessionId: string, holder: string, marks: SessionMarks, ttlSeconds: number): Promise<boolean>;
  close(sessionId: string, holder: string, channels: readonly string[], ttlSeconds: number): Promise<boolean>;
  read(sessionId: string): Promise<SessionRecord | undefined>;
}

/**
 * The store's session methods. Throws {@link SessionsNotSupportedError} when the store leaves them
 * out (written against an older interface), or is a `BaseConnectionStore` that does not implement
 * the session primitives: at construction, not at a connection's first `$connect`.
 */
export function sessionStore(store: ConnectionStore): SessionStore {
  const { claimSession, markSession, closeSession, readSession } = store;
  const name = store.constructor?.name ?? 'the store';
  if (!claimSession || !markSession || !closeSession || !readSession)
    throw new SessionsNotSupportedError(name);
  if (store instanceof BaseConnectionStore) {
    const own = store as unknown as Record<string, unknown>;
    const base = BaseConnectionStore.prototype as unknown as Record<string, unknown>;
    for (const primitive of ['_claimSession', '_markSession', '_closeSession', '_readSession']) {
      if (own[primitive] === base[primitive]) throw new SessionsNotSupportedError(name);
    }
  }
  return {
    claim: (...args) => claimSession.apply(store, args),
    mark: (...args) => markSession.apply(store, args),
    close: (...args) => closeSession.apply(store, args),
    read: (sessionId) => readSession.call(store, sessionId),
  };
}
