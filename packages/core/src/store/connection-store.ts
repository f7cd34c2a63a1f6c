import type {
  HistoryAppend,
  HistoryEntry,
  HistoryNotSupportedError,
  HistoryPage,
  HistoryRetention,
  HistoryRetraction,
  ReadHistoryOptions,
} from './channel-history.js';
import type { ConnectionRecord, MembersOptions, MembersPage, RegisterInit } from './connection-record.js';
import type {
  SessionClaim,
  SessionMarks,
  SessionRecord,
  SessionsNotSupportedError,
} from './session-record.js';
import type { UnregisterStaleResult } from './stale-unregister.js';

/**
 * A registry of open connections and the channels each belongs to. `WebSocketApp` keeps it up to
 * date (register on `$connect`, unregister on `$disconnect`), and `Messenger.broadcast` reads it.
 *
 * Rules every implementation keeps (the conformance suite in `@wsapp/testing` checks them):
 * - Expired connections and their memberships are never returned, whatever the backend's TTL lag.
 * - Concurrent `join`/`leave` calls on one connection or one channel lose nothing.
 * - `unregister` leaves no membership behind, and is idempotent.
 * - `members()` cursors are opaque strings: a listing can be resumed in another process, and
 *   every member present for the whole listing is returned exactly once.
 * - Operations on an unknown connection (`join`, `leave`, `setChannels`, `update`, `touch`)
 *   throw {@link ConnectionNotFoundError}; `get` answers `undefined`.
 */
export interface ConnectionStore {
  /**
   * Records a connection with its initial channels and data, in one atomic write where the
   * backend allows. Registering an id again replaces its record and memberships.
   */
  register(connectionId: string, init?: RegisterInit): Promise<ConnectionRecord>;
  /** Removes the connection and every membership; answers what was removed, `undefined` if nothing. */
  unregister(connectionId: string): Promise<ConnectionRecord | undefined>;
  /**
   * Removes the connection as `unregister` does, but only when its record is at least `minAgeMs`
   * old by the store's clock (`connectedAt`), or expired; a younger record is kept untouched. The
   * check and the removal are one atomic step: a record registered (or registered again) while the
   * call runs is never removed. For gone-cleanup: API Gateway answers 410 also for a connection
   * whose `$connect` has not been accepted yet, although `$connect` has written its record. Optional
   * for stores written against earlier versions (`BaseConnectionStore` implements it; its adapters
   * make it atomic: see its protected `_deleteStale`).
   */
  unregisterStale?(connectionId: string, minAgeMs: number): Promise<UnregisterStaleResult>;
  /** The connection's record, or `undefined` when unknown or expired. */
  get(connectionId: string): Promise<ConnectionRecord | undefined>;
  /**
   * The records of several connections, in the order asked (`undefined` for unknown or expired
   * ones). Optional, for stores written against earlier versions: `BaseConnectionStore` implements
   * it, and the `Messenger` falls back to `get` without it.
   */
  getMany?(connectionIds: readonly string[]): Promise<Array<ConnectionRecord | undefined>>;
  /** Adds the connection to channels (already-joined channels are kept). */
  join(connectionId: string, channels: readonly string[]): Promise<void>;
  /** Removes the connection from channels (channels it is not in are ignored). */
  leave(connectionId: string, channels: readonly string[]): Promise<void>;
  /** Makes `channels` the connection's exact channel set. */
  setChannels(connectionId: string, channels: readonly string[]): Promise<void>;
  /**
   * Shallow-merges `patch` into the connection's data (JSON Merge Patch at the top level: a key
   * set to `null` is removed) and answers the updated record.
   */
  update(connectionId: string, patch: Record<string, unknown>): Promise<ConnectionRecord>;
  /** Extends the connection's (and its memberships') expiry to now + `ttlSeconds`. */
  touch(connectionId: string, ttlSeconds?: number): Promise<void>;
  /** One page of a channel's live members. */
  members(channel: string, options?: MembersOptions): Promise<MembersPage>;
  /** Every live member of a channel, page by page (never all in memory at once). */
  allMembers(channel: string, options?: { pageSize?: number }): AsyncIterable<string>;
  /**
   * Splits a channel's members into at most `count` disjoint slices that can be listed
   * independently and in parallel (by other processes too). Each slice is an opaque cursor: pass it
   * to `members(channel, { cursor })`, whose pages then stay inside the slice, the last one without
   * a cursor. Every member present for the whole listing is in exactly one slice; a member joining
   * meanwhile may be missed, never listed twice. Fewer slices than asked may come back (a store
   * that cannot split answers one). Optional for backward compatibility; `BaseConnectionStore`
   * implements it.
   */
  memberSlices?(channel: string, count: number): Promise<string[]>;
  /**
   * Appends a message to the channel's history and answers its sequence number (see
   * {@link HistoryEntry} and the rules in `channel-history.ts`): strictly increasing per channel
   * under concurrent appends, trimmed to `retention.maxLength`, expiring after
   * `retention.ttlSeconds`. Optional: stores without history throw {@link HistoryNotSupportedError}
   * (`BaseConnectionStore`'s default) or leave it out.
   */
  appendHistory?(channel: string, entry: HistoryAppend, retention?: HistoryRetention): Promise<number>;
  /**
   * Takes back an entry `appendHistory` answered, for a broadcast that failed before sending it
   * (another history channel's append was refused): replaces entry `retraction.seq` by a marker
   * ({@link HistoryEntry.retracted}) when it still holds `retraction.messageId` in the current
   * numbering epoch, and answers whether this call did. Writes nothing otherwise (already
   * retracted, trimmed, expired, a restarted log, another message, an unused channel). Never
   * changes `headSeq`; the marker counts as held for `oldestSeq`. Must work when the backend
   * refuses writes that add data (Redis out of memory): it only deletes or rewrites. Optional:
   * without it a failed multi-channel broadcast leaves its message in the channels appended
   * before the failure (the Messenger logs that).
   */
  retractHistory?(channel: string, retraction: HistoryRetraction): Promise<boolean>;
  /** Entries of the channel's history after `since`, in order, with the log's bounds. Optional, as above. */
  readHistory?(channel: string, options?: ReadHistoryOptions): Promise<HistoryPage>;
  /**
   * Sessions (see {@link SessionRecord} and its rules): atomically makes `to` the holder of the
   * session when it is absent, expired or held by `from`, and answers what it took over (its
   * channels, whether the previous holder closed); `undefined` when another connection holds it. Of any
   * number of concurrent claims naming the same `from`, exactly one succeeds. Optional: stores
   * without sessions throw {@link SessionsNotSupportedError} (`BaseConnectionStore`'s default) or
   * leave the session methods out.
   */
  claimSession?(
    sessionId: string,
    from: string,
    to: string,
    ttlSeconds: number,
  ): Promise<SessionClaim | undefined>;
  /**
   * Records (or forgets) channel starts of a session, if `holder` holds it (or it is absent:
   * then created, held by `holder`): answers whether it did.
   */
  markSession?(sessionId: string, holder: string, marks: SessionMarks, ttlSeconds: number): Promise<boolean>;
  /**
   * The holder's snapshot at its disconnect: the session's channels become exactly `channels`
   * (starts kept), marked closed, expiring after `ttlSeconds`; answers whether `holder` held it.
   */
  closeSession?(
    sessionId: string,
    holder: string,
    channels: readonly string[],
    ttlSeconds: number,
  ): Promise<boolean>;
  /** The session, `undefined` when absent or expired. */
  readSession?(sessionId: string): Promise<SessionRecord | undefined>;
}
