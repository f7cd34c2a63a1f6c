import { HeldRanges, RANGE_LIMIT } from './held-ranges.js';
import { base64url, sha256 } from './sha256.js';
import { field } from './wire.js';

/**
 * Where the client keeps its session token for a page reload. The client always holds its current
 * token in memory (it survives reconnects); it reads the storage only until it holds one (at its
 * first connect) and writes every fresh token to it. The default keeps nothing (no reload resumes).
 * A browser page can keep it in `sessionStorage` (per tab, survives reloads) or `localStorage`
 * (shared by the tabs of an origin: a second tab that presents the same token gets `superseded`
 * and a session of its own, and the first tab keeps presenting its own token):
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
  /** The token stored (`undefined`: none); read only until the client holds a token. */
  get(): string | undefined | Promise<string | undefined>;
  /** Keeps the fresh token of the current connection (called after every resume reply). */
  set(token: string): void | Promise<void>;
}

/** The `session` option: resume channels and replay missed messages on every new connection. */
export interface SessionOptions {
  /** Where the token is kept for a reload. Default: nowhere (the client holds it in memory). */
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
  /** Messages after this sequence number (and before `oldestSeq`, when given) may be lost. */
  readonly since: number;
  /** The oldest sequence number the history still holds (`undefined`: it holds none). */
  readonly oldestSeq?: number | undefined;
  /** Why: `lost` (trimmed or expired), `reset` (the log restarted), `unknown-start` (joined outside `ctx.join`). */
  readonly reason?: 'lost' | 'reset' | 'unknown-start' | undefined;
}

/** The `resumed` event: the server's answer for a new connection, once its replay is done. */
export interface ResumedEvent {
  /** Whether the session's channels were re-joined. */
  readonly resumed: boolean;
  /** Why not, when not. */
  readonly reason?: ResumeReason | undefined;
  /** The session's channels (the first ones, when `channelCount` says there are more). */
  readonly channels: readonly string[];
  /** How many channels the session has, when `channels` lists only some. */
  readonly channelCount?: number | undefined;
  /** The highest sequence number now held of each history channel the client has seen. */
  readonly heads: Readonly<Record<string, number>>;
  /** Channels whose missed messages are partly gone (also emitted one by one as `gap`). */
  readonly gaps: readonly GapEvent[];
}

/** What the resume route answers to a resume request. */
export interface ResumeReply {
  /** The token of the current connection, to present at the next connect. */
  readonly token: string;
  /** Whether the session's channels were re-joined. */
  readonly resumed: boolean;
  /** Why not, when not. */
  readonly reason?: ResumeReason | undefined;
  /** The connection's channels (the first ones, when `channelCount` says there are more). */
  readonly channels?: readonly string[];
  /** How many channels, when `channels` lists only some. */
  readonly channelCount?: number | undefined;
  /** The session's channel key (names channels in replay requests). */
  readonly key?: string;
  /** Whether to ask for replay pages. */
  readonly replay?: boolean;
}

/** What the resume route answers to a replay request. */
export interface ReplayPageReply {
  /** Replayed frames, in order. */
  readonly messages?: readonly unknown[];
  /** Per channel `[channel, lo, hi, …]`: sequence numbers now accounted for. */
  readonly covered?: ReadonlyArray<readonly [string, ...number[]]>;
  /** Channels where messages were lost. */
  readonly gaps?: readonly GapEvent[];
  /** Channels whose log restarted: forget what is held of them first. */
  readonly reset?: readonly string[];
  /** Channel ids that are not the session's history channels: forget them. */
  readonly drop?: readonly string[];
  /** Nothing replayable is left. */
  readonly done?: boolean;
}

/** How many message ids the client remembers besides sequence numbers (a backstop for frames without them). */
const SEEN_LIMIT = 1000;
/**
 * Channels of each kind the client keeps holdings of: the session's (it has at most 1,000; the
 * least recent beyond are forgotten) and others (channels new past it are not tracked).
 */
const CHANNEL_LIMIT = 4096;
/** Live history frames held back during a replay; more are dropped and fetched by the replay instead. */
const HELD_LIMIT = 1000;
/** Characters of `have` (the server takes 30 KB; a replay request frame stays under API Gateway's 32 KB). */
const HAVE_BUDGET = 29 * 1024;
/** Holes in one channel that make the client ask for a replay while connected. */
export const SYNC_RANGES = 16;
/**
 * Channels not known to be the session's that make the client ask for a replay while connected:
 * live frames name every history channel of a broadcast's target, also ones the session is not
 * in; the replay's `drop` prunes those, and confirms the rest as the session's.
 */
const PRUNE_CHANNELS = CHANNEL_LIMIT / 2;

/**
 * The client side of a session: the token, what it holds of each history channel (ranges of
 * sequence numbers), the session's channel key. No socket: `admit` decides per history frame,
 * `begin`/`apply` take the resume reply and replay pages.
 *
 * Only the session's channels are replayed, so only they are held back or left to the replay:
 * channels are the session's ({@link #mine}) once a resume reply lists them or a replay page
 * accounts for them; frames naming only other channels (a broadcast to a channel the session is
 * not in, also one the client has not learnt of yet, joined on this connection) are emitted at
 * once, their numbers kept apart ({@link #other}) until a replay drops or confirms them.
 */
export class SessionState {
  /** The resume route key. */
  readonly action: string;
  /**
   * This client's id, sent with the token (`wsapp_client`): the server lets a token take over a
   * connection still recorded only from the client instance that opened it, so a second tab
   * reading a shared token gets `superseded` instead of the first tab's session. Not a secret.
   */
  readonly instance = Array.from({ length: 4 }, () => Math.random().toString(36).slice(2, 7)).join('');
  readonly #storage: SessionStorage;
  /** The session's channels → what is held of each; insertion order is recency. */
  readonly #mine = new Map<string, HeldRanges>();
  /** Channels not (yet) known to be the session's → what is held of each. */
  readonly #other = new Map<string, HeldRanges>();
  /** The channels named by the last `have`. */
  #asked: string[] = [];
  readonly #seen = new Set<string>();
  #key: string | undefined;
  readonly #ids = new Map<string, string>();
  /** A live frame was not taken (too many holes) since {@link takeRefused}. */
  #refused = false;
  /** Bumped by every frame admitted: which channels were touched since a point in time. */
  #tick = 0;
  readonly #touched = new Map<string, number>();

  /**
   * The token this client holds: read from the storage once (until a read succeeds or a reply
   * brings one), then only written to it. A shared storage (localStorage) may hold another tab's
   * token by now; presenting it would be refused (`superseded`) and lose this client's session.
   */
  #token: string | undefined;
  #held = false;

  constructor(options: SessionOptions = {}) {
    this.#storage = options.storage ?? { get: () => undefined, set: () => {} };
    this.action = options.action ?? 'resume';
  }

  /** The token to present at the next connect: the one held, or (until one is) the stored one. */
  token(): string | undefined | Promise<string | undefined> {
    if (this.#held) return this.#token;
    const hold = (stored: string | undefined) => {
      if (!this.#held) [this.#token, this.#held] = [stored, true];
      return this.#token;
    };
    const stored = this.#storage.get();
    return stored instanceof Promise ? stored.then(hold) : hold(stored);
  }

  /** A point in time for {@link begin}: channels touched after it are kept whatever the reply lists. */
  mark(): number {
    return this.#tick;
  }

  /**
   * Takes a resume reply: the session's channel key; a new session forgets what was held; a
   * complete channel list forgets channels not in it (unless touched since `since`).
   */
  begin(reply: ResumeReply, since: number): void {
    if (typeof reply !== 'object' || reply === null)
      throw new TypeError('resume: the reply is not an object');
    if (typeof reply.key === 'string' && reply.key !== this.#key) {
      this.#key = reply.key;
      this.#ids.clear();
    }
    if (reply.resumed !== true) {
      this.#mine.clear();
      this.#other.clear();
      this.#seen.clear();
      return;
    }
    if (!Array.isArray(reply.channels)) return;
    for (const channel of reply.channels) if (typeof channel === 'string') this.#confirm(channel);
    if (reply.channelCount !== undefined) return;
    const listed = new Set(reply.channels);
    for (const channel of [...this.#mine.keys(), ...this.#other.keys()]) {
      if (!listed.has(channel) && (this.#touched.get(channel) ?? -1) <= since) this.#forget(channel);
    }
  }

  /**
   * The frames to emit for `message`. While a resume is pending on the connection it arrived on
   * (`held` given), live history frames (`$seq` without `$replay`) are held there, to be emitted
   * after the replayed ones; the rest is emitted unless it is a duplicate (see {@link admit}).
   * Past {@link HELD_LIMIT} held, a frame naming a channel of the session is dropped (the replay
   * fetches it; `overflow` is then called), any other is emitted at once (no replay would bring it).
   */
  receive(message: unknown, held?: unknown[], overflow?: () => void): unknown[] {
    const pairs = held === undefined || field(message, '$replay') === true ? undefined : pairsOf(message);
    if (held !== undefined && pairs !== undefined) {
      if (held.length < HELD_LIMIT) {
        held.push(message);
        return [];
      }
      if (pairs.some(([channel]) => this.#mine.has(channel))) {
        overflow?.();
        return [];
      }
    }
    return this.admit(message) ? [message] : [];
  }

  /**
   * Whether a live frame is delivered. A history frame (one with `$seq`) is a duplicate when any of
   * its (channel, sequence number) pairs is held already (every copy of a message carries the same
   * pairs, or fewer: a replay names only the session's channels); otherwise its pairs become held.
   * A frame that would leave a channel of the session with more than {@link RANGE_LIMIT} ranges is
   * not taken now (see {@link needsSync}): the replay that fills the holes brings it. Other frames
   * are always delivered (no replay would bring them).
   */
  admit(message: unknown): boolean {
    const pairs = pairsOf(message);
    if (pairs === undefined) return true;
    if (this.#isCopy(message, pairs)) return false;
    if (pairs.some(([channel, n]) => this.#mine.get(channel)?.wouldExceed(n, n, RANGE_LIMIT) === true)) {
      this.#refused = true;
      return false;
    }
    this.#see(message);
    for (const [channel, n] of pairs) this.#add(channel, [n, n]);
    return true;
  }

  /**
   * Whether a live frame was not taken (too many holes) since the last call: a replay must then run
   * (again) to bring it. Clears the flag.
   */
  takeRefused(): boolean {
    const refused = this.#refused;
    this.#refused = false;
    return refused;
  }

  /**
   * The `have` of a replay request: every channel's first range (the session's first, most recent
   * first; then others, oldest first), then more while the budget lasts.
   */
  have(): string {
    const key = this.#key;
    this.#asked = [];
    if (key === undefined) return '';
    const recent = [...[...this.#mine].reverse(), ...this.#other];
    const parts: Array<{ id: string; ranges: number[]; text: string }> = [];
    let length = 0;
    for (const [channel, ranges] of recent) {
      const list = ranges.list();
      if (list.length === 0) continue;
      const text = `${this.#id(key, channel)}${range(list[0] as number, list[1] as number)}`;
      if (length + text.length + 1 > HAVE_BUDGET) break;
      length += text.length + 1;
      parts.push({ id: text.slice(0, 11), ranges: list, text });
      this.#asked.push(channel);
    }
    for (const part of parts) {
      for (let i = 2; i + 1 < part.ranges.length; i += 2) {
        const more = `,${range(part.ranges[i] as number, part.ranges[i + 1] as number)}`;
        if (length + more.length > HAVE_BUDGET) break;
        length += more.length;
        part.text += more;
      }
    }
    return parts.map((p) => p.text).join(';');
  }

  /**
   * Applies a replay page (the answer to the last {@link have}): forgets reset and dropped
   * channels, adds what is covered; answers the replayed frames to emit. The channels of `have`
   * a `done` page does not drop are the session's (`drop` then names every other one).
   */
  apply(page: ReplayPageReply): unknown[] {
    // A malformed answer (not what the server sends) changes nothing it does not understand.
    const list = <T>(value: readonly T[] | undefined): readonly T[] => (Array.isArray(value) ? value : []);
    for (const channel of list(page?.reset)) if (typeof channel === 'string') this.#forget(channel);
    const dropped = new Set(list(page?.drop));
    const key = this.#key;
    if (key !== undefined) {
      const named = (channel: string) => dropped.has(this.#id(key, channel));
      if (dropped.size > 0)
        for (const c of [...this.#mine.keys(), ...this.#other.keys()]) if (named(c)) this.#forget(c);
      if (page?.done === true) for (const c of this.#asked) if (!named(c)) this.#confirm(c);
    }
    this.#asked = [];
    // The page's frames are told apart from what is held before anything of the page is added;
    // then `covered` (which spans every frame sent) and the frames' own pairs become held. Added
    // in that order, a page fills holes from the lowest up and merges ranges, never piles them up.
    const emit: unknown[] = [];
    const taken: Array<[string, number]> = [];
    const inPage = new Set<string>();
    for (const message of list(page?.messages)) {
      const pairs = pairsOf(message);
      if (pairs === undefined) {
        emit.push(message);
        continue;
      }
      if (this.#isCopy(message, pairs) || pairs.some(([c, n]) => inPage.has(`${n} ${c}`))) continue;
      for (const [c, n] of pairs) {
        inPage.add(`${n} ${c}`);
        this.#confirm(c);
      }
      this.#see(message);
      taken.push(...pairs);
      emit.push(message);
    }
    for (const entry of list(page?.covered)) {
      if (!Array.isArray(entry)) continue;
      const [channel, ...ranges] = entry;
      if (typeof channel !== 'string') continue;
      this.#confirm(channel);
      for (let i = 0; i + 1 < ranges.length; i += 2)
        this.#add(channel, [ranges[i] as number, ranges[i + 1] as number]);
    }
    for (const [channel, n] of taken) this.#add(channel, [n, n]);
    return emit;
  }

  /**
   * Whether a replay should run now: some channel has many holes, a live frame was not taken, or
   * many channels not known to be the session's are held.
   */
  needsSync(): boolean {
    if (this.#refused || this.#other.size > PRUNE_CHANNELS) return true;
    for (const ranges of [...this.#mine.values(), ...this.#other.values()])
      if (ranges.count() > SYNC_RANGES) return true;
    return false;
  }

  /** The highest sequence number held of each channel. */
  heads(): Record<string, number> {
    return Object.fromEntries(
      [...this.#mine, ...this.#other].filter(([, r]) => r.count() > 0).map(([c, r]) => [c, r.top()]),
    );
  }

  /** Keeps the fresh token for the next connect (and in the storage, for a reload to find). */
  keep(token: unknown): void | Promise<void> {
    if (typeof token !== 'string') return;
    [this.#token, this.#held] = [token, true];
    return this.#storage.set(token);
  }

  /** Whether a history frame holds a pair already held, or is a message id already seen. */
  #isCopy(message: unknown, pairs: ReadonlyArray<[string, number]>): boolean {
    const mid = field(message, '$mid');
    if (typeof mid === 'string' && this.#seen.has(mid)) return true;
    return pairs.some(([channel, n]) => this.#ranges(channel)?.has(n) === true);
  }

  #ranges(channel: string): HeldRanges | undefined {
    return this.#mine.get(channel) ?? this.#other.get(channel);
  }

  #see(message: unknown): void {
    const mid = field(message, '$mid');
    if (typeof mid !== 'string') return;
    this.#seen.add(mid);
    if (this.#seen.size > SEEN_LIMIT) this.#seen.delete(this.#seen.values().next().value as string);
  }

  /** Adds `[lo, hi]` to a channel's holdings; a channel new past {@link CHANNEL_LIMIT} others is not tracked. */
  #add(channel: string, [lo, hi]: [number, number]): void {
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo < 1 || hi < lo) return;
    const map = this.#mine.has(channel) ? this.#mine : this.#other;
    const ranges = map.get(channel) ?? new HeldRanges();
    if (!map.has(channel) && map === this.#other && map.size >= CHANNEL_LIMIT) return;
    map.delete(channel);
    ranges.add(lo, hi);
    map.set(channel, ranges);
    this.#touched.set(channel, ++this.#tick);
    if (this.#mine.size > CHANNEL_LIMIT) this.#forget(this.#mine.keys().next().value as string);
  }

  /** Marks a channel as the session's (it is replayed), keeping what is held of it. */
  #confirm(channel: string): void {
    if (this.#mine.has(channel)) return;
    this.#mine.set(channel, this.#other.get(channel) ?? new HeldRanges());
    this.#other.delete(channel);
    if (this.#mine.size > CHANNEL_LIMIT) this.#forget(this.#mine.keys().next().value as string);
  }

  #forget(channel: string): void {
    this.#mine.delete(channel);
    this.#other.delete(channel);
    this.#touched.delete(channel);
  }

  #id(key: string, channel: string): string {
    let id = this.#ids.get(channel);
    if (id === undefined) {
      id = base64url(sha256(`${key}\n${channel}`)).slice(0, 11);
      this.#ids.set(channel, id);
      if (this.#ids.size > CHANNEL_LIMIT) this.#ids.delete(this.#ids.keys().next().value as string);
    }
    return id;
  }
}

function range(lo: number, hi: number): string {
  return `${lo.toString(36)}.${hi.toString(36)}`;
}

/** Whether a failed resume or replay request is worth retrying on the same connection: a timeout, 429 or 5xx. */
export function isTransient(error: unknown): boolean {
  const { code, status = 0 } = error as { code?: string; status?: number };
  return code === 'Timeout' || (code === 'Rejected' && (status === 429 || status >= 500));
}

/** A history frame's (channel, sequence number) pairs; `undefined` for a frame without `$seq`. */
function pairsOf(message: unknown): Array<[string, number]> | undefined {
  const seq = field(message, '$seq');
  if (typeof seq !== 'object' || seq === null) return undefined;
  return Object.entries(seq).filter((p): p is [string, number] => Number.isSafeInteger(p[1]) && p[1] > 0);
}
