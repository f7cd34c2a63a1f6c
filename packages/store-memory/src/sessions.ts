import {
  applySessionClose,
  applySessionMarks,
  type SessionClaim,
  type SessionRecord,
  TooManyChannelsError,
} from '@wsapp/core';

/**
 * Sessions in process memory: one record per session id. Every call is one synchronous step, so
 * the holder check and the write cannot interleave with another call (claims are exactly-once).
 */
export class SessionRecords {
  readonly #sessions = new Map<string, SessionRecord>();
  readonly #maxChannels: () => number;

  /** `maxChannels`: the store's `maxChannelsPerConnection`. */
  constructor(maxChannels: () => number) {
    this.#maxChannels = maxChannels;
  }

  /** The live session, a copy; `undefined` when absent or expired at `now` (epoch s). */
  read(sessionId: string, now: number): SessionRecord | undefined {
    const session = this.#live(sessionId, now);
    return session && copy(session);
  }

  /** See `BaseConnectionStore._claimSession`. */
  claim(
    sessionId: string,
    from: string,
    to: string,
    expiresAt: number,
    now: number,
  ): SessionClaim | undefined {
    const session = this.#live(sessionId, now);
    if (session !== undefined && session.holder !== from) return undefined;
    const channels = session?.channels ?? {};
    this.#sessions.set(sessionId, { sessionId, holder: to, channels, closed: false, expiresAt });
    return { channels: { ...channels }, closed: session?.closed ?? false, created: session === undefined };
  }

  /** See `BaseConnectionStore._markSession`. */
  mark(
    sessionId: string,
    holder: string,
    add: Array<[string, number]>,
    remove: string[],
    expiresAt: number,
    now: number,
  ): boolean {
    const session = this.#live(sessionId, now);
    if (session !== undefined && session.holder !== holder) return false;
    const channels = applySessionMarks(session?.channels ?? {}, add, remove);
    this.#fits(sessionId, channels);
    this.#sessions.set(sessionId, {
      sessionId,
      holder,
      channels,
      closed: session?.closed ?? false,
      expiresAt,
    });
    return true;
  }

  /** See `BaseConnectionStore._closeSession`. */
  close(sessionId: string, holder: string, list: string[], expiresAt: number, now: number): boolean {
    const session = this.#live(sessionId, now);
    if (session !== undefined && session.holder !== holder) return false;
    const channels = applySessionClose(session?.channels ?? {}, list);
    this.#fits(sessionId, channels);
    this.#sessions.set(sessionId, { sessionId, holder, channels, closed: true, expiresAt });
    return true;
  }

  /** Drops expired sessions; answers how many went. */
  sweep(now: number): number {
    let removed = 0;
    for (const [id, session] of this.#sessions) {
      if (session.expiresAt <= now) {
        this.#sessions.delete(id);
        removed++;
      }
    }
    return removed;
  }

  /** The session as held, expired or not (backdoor reads). */
  raw(sessionId: string): SessionRecord | undefined {
    const session = this.#sessions.get(sessionId);
    return session && copy(session);
  }

  #live(sessionId: string, now: number): SessionRecord | undefined {
    const session = this.#sessions.get(sessionId);
    return session !== undefined && session.expiresAt > now ? session : undefined;
  }

  #fits(sessionId: string, channels: Record<string, number>): void {
    const limit = this.#maxChannels();
    if (Object.keys(channels).length > limit) throw new TooManyChannelsError(sessionId, limit);
  }
}

function copy(session: SessionRecord): SessionRecord {
  return { ...session, channels: Object.fromEntries(Object.entries(session.channels)) };
}
