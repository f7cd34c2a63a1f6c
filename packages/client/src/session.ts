import { field } from './wire.js';

/**
 * Where the client keeps its session token between connections. The default keeps it in memory
 * (it survives reconnects, not a page reload). A browser page can keep it in `sessionStorage`
 * (per tab, survives reloads) or `localStorage` (shared by the tabs of an origin: a second tab that
 * presents the same token gets `superseded` and a session of its own):
 *
 * @example
 * ```ts
 * const storage = {
 *   get: () => sessionStorage.getItem('chat-session') ?? undefined,
 *   set: (token: string) => sessionStorage.setItem('chat-session', token),
 * };
 * createClient(url, { session: { storage } });
 * ```
 */
export interface SessionStorage {
  /** The token to present at the next connect (`undefined`: none yet). */
  get(): string | undefined | Promise<string | undefined>;
  /** Keeps the fresh token of the current connection (called after every resume reply). */
  set(token: string): void | Promise<void>;
}

/** The `session` option: resume channels and replay missed messages on every new connection. */
export interface SessionOptions {
  /** Where the token is kept. Default: in memory. */
  storage?: SessionStorage;
  /** The server's resume route key. Default `resume`. */
  action?: string;
}

/** Why a session was not resumed (`none`: no token was presented). */
export type ResumeReason = 'forged' | 'foreign' | 'expired' | 'superseded' | 'none';

/** The `gap` event: a channel's history no longer holds all the messages the client missed. */
export interface GapEvent {
  /** The channel. */
  readonly channel: string;
  /** The last sequence number the client had seen in it. */
  readonly since: number;
  /** The oldest sequence number the history still holds (`undefined`: it holds none). */
  readonly oldestSeq?: number | undefined;
}

/** The `resumed` event: the resume route's answer for a new connection. */
export interface ResumedEvent {
  /** Whether the session's channels were re-joined. */
  readonly resumed: boolean;
  /** Why not, when not. */
  readonly reason?: ResumeReason | undefined;
  /** The session's channels. */
  readonly channels: readonly string[];
  /** The head sequence number of each history channel of the session. */
  readonly heads: Readonly<Record<string, number>>;
  /** Channels whose missed messages are partly gone (also emitted one by one as `gap`). */
  readonly gaps: readonly GapEvent[];
}

/** What the resume route answers: the event plus the fresh token. */
export interface ResumeReply extends ResumedEvent {
  /** The token of the current connection, to present at the next connect. */
  readonly token: string;
}

/** How many message ids the client remembers to drop duplicates (they arrive within one resume). */
const SEEN_LIMIT = 1000;

/**
 * The client side of a session: the token, the last sequence number seen per channel, and the
 * recently delivered message ids. No socket: `admit` decides per history frame, `settle` applies a
 * resume reply.
 */
export class SessionState {
  /** The resume route key. */
  readonly action: string;
  readonly #storage: SessionStorage;
  readonly #last = new Map<string, number>();
  readonly #seen = new Set<string>();

  constructor(options: SessionOptions = {}) {
    let token: string | undefined;
    this.#storage = options.storage ?? {
      get: () => token,
      set: (t) => {
        token = t;
      },
    };
    this.action = options.action ?? 'resume';
  }

  /** The token to present at the next connect. */
  token(): string | undefined | Promise<string | undefined> {
    return this.#storage.get();
  }

  /** The `since` of a resume request: the last sequence number seen per channel. */
  since(): Record<string, number> {
    return Object.fromEntries(this.#last);
  }

  /**
   * The frames to emit for `message`. While a resume is pending on the connection it arrived on
   * (`held` given), live history frames (`$seq` without `$replay`) are held there until
   * {@link settle}; the rest is emitted unless it is a duplicate (see {@link admit}).
   */
  receive(message: unknown, held?: unknown[]): unknown[] {
    if (held !== undefined && isLiveHistory(message)) {
      held.push(message);
      return [];
    }
    return this.admit(message) ? [message] : [];
  }

  /**
   * Whether a frame is delivered. A history frame (one with `$seq`) is a duplicate when its `$mid`
   * was delivered already (a message arrives twice when it is both replayed and sent live, or sent
   * to both connections of a replacement); otherwise it moves each of its channels' last seen
   * sequence number to its own. Other frames are always delivered.
   */
  admit(message: unknown): boolean {
    const seq = field(message, '$seq');
    if (typeof seq !== 'object' || seq === null) return true;
    const mid = field(message, '$mid');
    if (typeof mid === 'string') {
      if (this.#seen.has(mid)) return false;
      this.#seen.add(mid);
      if (this.#seen.size > SEEN_LIMIT) this.#seen.delete(this.#seen.values().next().value as string);
    }
    for (const [channel, n] of Object.entries(seq)) if (typeof n === 'number') this.#last.set(channel, n);
    return true;
  }

  /**
   * Applies a resume reply: every history channel of the session is now known up to its head (what
   * was missed was replayed or reported as a gap; a log that restarted lowers it). Answers the
   * `resumed` event and the held live frames to emit now, in arrival order, without duplicates.
   */
  settle(reply: ResumeReply, held: unknown[]): { event: ResumedEvent; release: unknown[] } {
    const { token: _, ...rest } = reply;
    const heads = reply.heads ?? {};
    for (const [channel, head] of Object.entries(heads)) this.#last.set(channel, head);
    const event = { ...rest, channels: reply.channels ?? [], heads, gaps: reply.gaps ?? [] };
    return { event, release: held.splice(0).filter((m) => this.admit(m)) };
  }

  /** Keeps the fresh token for the next connect. */
  keep(token: unknown): void | Promise<void> {
    if (typeof token === 'string') return this.#storage.set(token);
  }
}

/** Whether a failed resume request is worth retrying on the same connection: a timeout, 429 or 5xx. */
export function isTransient(error: unknown): boolean {
  const { code, status = 0 } = error as { code?: string; status?: number };
  return code === 'Timeout' || (code === 'Rejected' && (status === 429 || status >= 500));
}

/** Whether a frame is live history (has `$seq`, not `$replay`): held back while a resume is pending. */
export function isLiveHistory(message: unknown): boolean {
  const seq = field(message, '$seq');
  return typeof seq === 'object' && seq !== null && field(message, '$replay') !== true;
}
