import { WsappError } from '../errors/wsapp-error.js';
import { MAX_PAYLOAD_BYTES } from '../limits.js';

/**
 * A channel's history: a bounded, expiring log of the messages broadcast to it, each with a
 * per-channel sequence number. Stores keep it with their native structures (a list in memory,
 * a stream in Redis, items keyed by channel and sequence in DynamoDB).
 *
 * Rules every implementation keeps (the conformance suite checks them, reading the backend too):
 * - `appendHistory` assigns sequence numbers that strictly increase per channel, starting at 1,
 *   also when several processes append to one channel at once; no two entries share one.
 *   A crashed append may leave a sequence number unused (readers see a hole, never a duplicate).
 * - The log holds at most `maxLength` entries (older ones are trimmed when a new one is
 *   appended) and never returns an entry older than its `ttlSeconds`, whatever the backend's
 *   TTL lag.
 * - `readHistory` answers entries in sequence order, each once.
 * - A channel's head counter lives until `ttlSeconds` + {@link HISTORY_HEAD_GRACE_SECONDS} after
 *   its longest-lived entry was appended (by the store's clock); after that the log is reset and
 *   numbering starts at 1 again ({@link historyGap} reports the gap to readers from before).
 * - `retractHistory` (optional) replaces an appended entry by a marker ({@link HistoryEntry.retracted})
 *   only while it is still that entry (same `seq`, same `messageId`, same numbering epoch); it
 *   never creates a log, a head or an entry, never changes `headSeq` (the number is not reused:
 *   a reader may have seen the entry), and the marker counts as held for `oldestSeq`, so a reader
 *   sees neither a gap nor a message there. The marker counts toward `maxLength` like the entry
 *   (the log keeps the last `maxLength` numbers) and expires when the entry would have. It only removes or rewrites what exists, so it runs where appends are
 *   refused for lack of memory (Redis `maxmemory` under `noeviction`).
 */

/** One message in a channel's history. */
export interface HistoryEntry {
  /** The entry's sequence number in its channel: 1, 2, 3, … (holes are possible, duplicates not). */
  seq: number;
  /** The broadcast's message id (the same in every channel the broadcast was appended to). */
  messageId: string;
  /** The message as broadcast: a JSON text (the data without wsapp's envelope fields). */
  payload: string;
  /** When it was appended, epoch milliseconds. */
  at: number;
  /**
   * `true`: the entry was retracted (`ConnectionStore.retractHistory`) by a broadcast that
   * failed before sending it: a marker saying "nothing here", its `payload` is `''`. Readers replay
   * nothing for it and report no gap; `ctx.history`/`app.history` leave markers out.
   */
  retracted?: true;
}

/** What `retractHistory` takes back: the entry an `appendHistory` answered. */
export interface HistoryRetraction {
  /** The sequence number `appendHistory` answered. */
  seq: number;
  /** The message id appended (the entry is retracted only while it still holds this message). */
  messageId: string;
}

/** What `appendHistory` writes (the store assigns `seq` and `at`). */
export interface HistoryAppend {
  /** The broadcast's message id. */
  messageId: string;
  /** The message as a JSON text, at most 128 KB (API Gateway's message limit). */
  payload: string;
}

/** How much history a channel keeps. */
export interface HistoryRetention {
  /** Entries kept per channel; older ones are trimmed on append. 1 to 10,000. */
  maxLength: number;
  /** How long an entry is kept, in seconds. 1 to 7 days. */
  ttlSeconds: number;
}

/** Options of `readHistory`. */
export interface ReadHistoryOptions {
  /** Answer entries with a sequence number greater than this (default 0: from the start). */
  since?: number;
  /**
   * At most this many entries (default and maximum 1000; with `payloads: false` the default and
   * maximum is {@link MAX_HISTORY_SCAN}).
   */
  limit?: number;
  /**
   * `false`: entries come without their payload (`payload` is `''`): a scan of sequence numbers,
   * message ids and times, e.g. to plan a replay across channels. Default `true`.
   */
  payloads?: boolean;
}

/** One read of a channel's history. */
export interface HistoryPage {
  /** Entries with `seq > since`, ascending, at most `limit`. */
  entries: HistoryEntry[];
  /**
   * The highest sequence number ever assigned in the channel (0 when never appended to), even if
   * that entry is trimmed or expired: with `oldestSeq` it tells a reader whether it missed some.
   */
  headSeq: number;
  /**
   * The lowest sequence number the log still holds (trimming and expiry applied), `undefined` when
   * it holds none. A reader that saw up to `since` missed entries no longer held when
   * `since < headSeq` and (`oldestSeq` is `undefined` or `since + 1 < oldestSeq`), or when
   * `since > headSeq` (the log was reset, see {@link HISTORY_HEAD_GRACE_SECONDS}):
   * {@link historyGap} tells.
   */
  oldestSeq?: number;
}

/**
 * How long a channel's head counter outlives its last append beyond `ttlSeconds`: 1 day. Stores
 * with expiring keys let an idle channel's counter go too (no key left per channel ever used);
 * once it is gone, numbering restarts at 1 and `headSeq` at 0. A reader whose `since` is then
 * above `headSeq` is told of a gap by {@link historyGap}. A reader holding a `since` from before
 * the reset that is at most the new `headSeq` cannot tell: that takes a `since` older than
 * `ttlSeconds` + 1 day of the channel's silence, longer than any connection lives (2 h).
 */
export const HISTORY_HEAD_GRACE_SECONDS = 24 * 60 * 60;

/**
 * Whether a reader that saw every entry up to `since` missed entries the log no longer holds
 * (trimmed, expired, or the whole log reset): the rule of {@link HistoryPage.oldestSeq}.
 * `page` is a `readHistory` answer for that `since`.
 */
export function historyGap(page: Pick<HistoryPage, 'headSeq' | 'oldestSeq'>, since: number): boolean {
  if (since > page.headSeq) return true;
  if (since === page.headSeq) return false;
  return page.oldestSeq === undefined || since + 1 < page.oldestSeq;
}

/** Default retention: 100 entries for 15 minutes (longer than the default resume window). */
export const DEFAULT_HISTORY_RETENTION: Readonly<HistoryRetention> = Object.freeze({
  maxLength: 100,
  ttlSeconds: 15 * 60,
});

/** Largest `maxLength` a retention accepts. */
export const MAX_HISTORY_LENGTH = 10_000;

/** Largest `ttlSeconds` a retention accepts: 7 days. */
export const MAX_HISTORY_TTL_SECONDS = 7 * 24 * 60 * 60;

/** Largest `limit` of one `readHistory` call. */
export const MAX_HISTORY_READ = 1000;

/** Largest `limit` of one `readHistory` call with `payloads: false` (the longest log). */
export const MAX_HISTORY_SCAN = MAX_HISTORY_LENGTH;

/** The store keeps no channel history (it does not implement `appendHistory`/`readHistory`). */
export class HistoryNotSupportedError extends WsappError {
  /** This class's {@link WsappError.code}: what error handlers match its errors by, from any copy of the library. */
  static override readonly code = 'HistoryNotSupported';
  constructor(storeName: string) {
    super(HistoryNotSupportedError.code, `${storeName} keeps no channel history`);
  }
}

/** Largest message id a history entry accepts, in characters. */
const MAX_MESSAGE_ID_LENGTH = 128;

/** Throws a RangeError/TypeError unless `entry` is a valid {@link HistoryAppend}. */
export function assertHistoryAppend(entry: HistoryAppend): void {
  if (entry === null || typeof entry !== 'object') throw new TypeError('history entry must be an object');
  const { messageId, payload } = entry;
  if (typeof messageId !== 'string' || messageId.length === 0 || messageId.length > MAX_MESSAGE_ID_LENGTH) {
    throw new RangeError(`history messageId must be a string of 1 to ${MAX_MESSAGE_ID_LENGTH} characters`);
  }
  if (typeof payload !== 'string') throw new TypeError('history payload must be a JSON text');
  if (Buffer.byteLength(payload, 'utf8') > MAX_PAYLOAD_BYTES) {
    throw new RangeError(`history payload must be at most ${MAX_PAYLOAD_BYTES} bytes`);
  }
}

/** Throws a RangeError/TypeError unless `retraction` is a valid {@link HistoryRetraction}. */
export function assertHistoryRetraction(retraction: HistoryRetraction): void {
  if (retraction === null || typeof retraction !== 'object') {
    throw new TypeError('history retraction must be an object');
  }
  if (!Number.isSafeInteger(retraction.seq) || retraction.seq < 1) {
    throw new RangeError('history retraction seq must be a positive integer');
  }
  assertHistoryAppend({ messageId: retraction.messageId, payload: '' });
}

/** Throws a RangeError unless `retention` is within the documented bounds. */
export function assertRetention(retention: HistoryRetention): void {
  const { maxLength, ttlSeconds } = retention;
  if (!Number.isInteger(maxLength) || maxLength < 1 || maxLength > MAX_HISTORY_LENGTH) {
    throw new RangeError(`history maxLength must be an integer from 1 to ${MAX_HISTORY_LENGTH}`);
  }
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_HISTORY_TTL_SECONDS) {
    throw new RangeError(`history ttlSeconds must be an integer from 1 to ${MAX_HISTORY_TTL_SECONDS}`);
  }
}

/** `readHistory` options with defaults applied; throws a RangeError on invalid ones. */
export function normalizeReadHistory(options: ReadHistoryOptions): {
  /** Entries after this sequence number. */
  since: number;
  /** At most this many entries. */
  limit: number;
  /** Whether entries carry their payload. */
  payloads: boolean;
} {
  const since = options.since ?? 0;
  const payloads = options.payloads ?? true;
  if (typeof payloads !== 'boolean') throw new TypeError('payloads must be a boolean');
  const max = payloads ? MAX_HISTORY_READ : MAX_HISTORY_SCAN;
  const limit = options.limit ?? max;
  if (!Number.isSafeInteger(since) || since < 0) throw new RangeError('since must be a non-negative integer');
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new RangeError(`limit must be an integer from 1 to ${max}`);
  }
  return { since, limit, payloads };
}
