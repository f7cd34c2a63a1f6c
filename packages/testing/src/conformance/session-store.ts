import type { ConnectionStore, SessionClaim, SessionMarks, SessionRecord } from '@wsapp/core';

/** A store's session methods, bound, for the sessions group. */
export interface SessionMethods {
  claim(sessionId: string, from: string, to: string, ttlSeconds: number): Promise<SessionClaim | undefined>;
  mark(sessionId: string, holder: string, marks: SessionMarks, ttlSeconds: number): Promise<boolean>;
  close(sessionId: string, holder: string, channels: readonly string[], ttlSeconds: number): Promise<boolean>;
  read(sessionId: string): Promise<SessionRecord | undefined>;
}

/** The store's session methods; throws when the store leaves them out (its suite says it keeps sessions). */
export function sessionsOf(store: ConnectionStore): SessionMethods {
  const { claimSession, markSession, closeSession, readSession } = store;
  if (!claimSession || !markSession || !closeSession || !readSession) {
    throw new Error(
      'the store has no claimSession/markSession/closeSession/readSession; pass `sessions: false`',
    );
  }
  return {
    claim: (...args) => claimSession.apply(store, args),
    mark: (...args) => markSession.apply(store, args),
    close: (...args) => closeSession.apply(store, args),
    read: (sessionId) => readSession.call(store, sessionId),
  };
}
