import { MAX_CONNECTION_SECONDS } from '../limits.js';
import {
  assertHistoryAppend,
  assertHistoryRetraction,
  assertRetention,
  DEFAULT_HISTORY_RETENTION,
  type HistoryAppend,
  HistoryNotSupportedError,
  type HistoryPage,
  type HistoryRetention,
  type HistoryRetraction,
  type MAX_HISTORY_SCAN,
  normalizeReadHistory,
  type ReadHistoryOptions,
} from './channel-history.js';
import type { ConnectionRecord, MembersOptions, MembersPage, RegisterInit } from './connection-record.js';
import type { ConnectionStore } from './connection-store.js';
import { assertSliceCount, WHOLE_CHANNEL_SLICE } from './member-slices.js';
import {
  type applySessionClose,
  type applySessionMarks,
  assertSessionId,
  assertSessionWrite,
  normalizeSessionChannels,
  normalizeSessionMarks,
  type SessionClaim,
  type SessionMarks,
  type SessionRecord,
  SessionsNotSupportedError,
} from './session-record.js';
import { assertMinAge, type UnregisterStaleResult } from './stale-unregister.js';
import { ConnectionNotFoundError, TooManyChannelsError } from './store-errors.js';
import {
  assertChannel,
  assertConnectionId,
  assertDataBytes,
  assertTtl,
  DEFAULT_LIMITS,
  normalizeChannels,
  normalizeData,
  type StoreLimits,
} from './store-validation.js';

/** Grace added to API Gateway's 2-hour maximum before a record expires. */
const DEFAULT_GRACE_SECONDS = 10 * 60;

/** Reads in flight at once in the default `_getMany`. */
const GET_MANY_CONCURRENCY = 16;

/** Options every store accepts. */
export interface BaseConnectionStoreOptions {
  /**
   * Record lifetime in seconds. Default: 2 h (API Gateway's maximum connection duration) + 10 min
   * grace; `$disconnect` is best-effort, so expiry is what finally removes lost connections.
   */
  ttlSeconds?: number;
  /** Clock in epoch milliseconds; inject one in tests to move time. */
  clock?: () => number;
  /** Longest channel name in UTF-8 bytes (default 512). */
  maxChannelBytes?: number;
  /** Largest data object as JSON in UTF-8 bytes (default 32 KB). */
  maxDataBytes?: number;
  /** Largest `members()` page (default 1000). */
  maxPageSize?: number;
  /** Most channels one connection may belong to (default 1,000; an adapter may lower it). */
  maxChannelsPerConnection?: number;
}

/** Arguments of {@link BaseConnectionStore._queryMembers}, already validated. */
export interface QueryMembersArgs {
  /** Page size, within the store's `maxPageSize`. */
  limit: number;
  /** Cursor from a previous page, if any. */
  cursor: string | undefined;
  /** Current time in epoch seconds: memberships with `expiresAt <= now` must be skipped. */
  now: number;
}

/**
 * The policy half of every store, like Powertools' `BasePersistenceLayer`: public methods validate
 * input, apply the TTL policy, build records and raise typed errors, then call a few protected
 * primitives that an adapter implements against its backend.
 *
 * Primitive rules for adapter authors:
 * - `now`/`expiresAt` are epoch seconds; an item with `expiresAt <= now` does not exist for reads.
 * - `_put` writes the record and one membership per channel, atomically where possible, replacing
 *   any previous record and memberships of that id.
 * - `_addMemberships` throws `TooManyChannelsError` (writing nothing) when the connection would
 *   belong to more than `limits.maxChannelsPerConnection` channels.
 * - `_update` throws `InvalidDataError` (writing nothing) when the data after merging the patch,
 *   as JSON in UTF-8, would exceed `limits.maxDataBytes`, checked in the same atomic step as the
 *   write (the patch alone is checked before, by `update`); {@link BaseConnectionStore.assertMergedDataBytes}
 *   raises the error.
 * - `_addMemberships`, `_removeMemberships`, `_update`, `_touch` throw `ConnectionNotFoundError`
 *   when no live record exists; they must not lose concurrent changes (use the backend's atomic
 *   operations, not read-modify-write of the channel list).
 * - `_delete` removes the record and all memberships and answers the removed record; unknown → undefined.
 * - `_queryMembers` answers live members only, at most `limit`, with an opaque cursor when more may follow.
 */
export abstract class BaseConnectionStore implements ConnectionStore {
  /** Default record lifetime, seconds. */
  readonly ttlSeconds: number;
  /** Clock in epoch milliseconds. */
  protected readonly clock: () => number;
  /** Channel and data size limits in force. */
  protected readonly limits: StoreLimits;
  /** Largest `members()` page. */
  protected readonly maxPageSize: number;

  constructor(options: BaseConnectionStoreOptions = {}) {
    this.ttlSeconds = options.ttlSeconds ?? MAX_CONNECTION_SECONDS + DEFAULT_GRACE_SECONDS;
    assertTtl(this.ttlSeconds);
    this.clock = options.clock ?? Date.now;
    this.limits = {
      maxChannelBytes: options.maxChannelBytes ?? DEFAULT_LIMITS.maxChannelBytes,
      maxDataBytes: options.maxDataBytes ?? DEFAULT_LIMITS.maxDataBytes,
      maxChannelsPerConnection: options.maxChannelsPerConnection ?? DEFAULT_LIMITS.maxChannelsPerConnection,
    };
    this.maxPageSize = options.maxPageSize ?? 1000;
  }

  /** Writes the record and one membership per channel, replacing any previous record and memberships of that id. */
  protected abstract _put(record: ConnectionRecord): Promise<void>;
  /** Reads the record; expired or unknown → `undefined`. */
  protected abstract _get(connectionId: string, now: number): Promise<ConnectionRecord | undefined>;
  /** Removes the record and every membership; answers what was removed. */
  protected abstract _delete(connectionId: string, now: number): Promise<ConnectionRecord | undefined>;
  /** Adds memberships atomically per channel; `ConnectionNotFoundError` without a live record. */
  protected abstract _addMemberships(connectionId: string, channels: string[], now: number): Promise<void>;
  /** Removes memberships; `ConnectionNotFoundError` without a live record. */
  protected abstract _removeMemberships(connectionId: string, channels: string[], now: number): Promise<void>;
  /**
   * Shallow-merges the (validated) patch into the data; `InvalidDataError` when the merged data
   * exceeds `limits.maxDataBytes`, `ConnectionNotFoundError` without a live record.
   */
  protected abstract _update(
    connectionId: string,
    patch: Record<string, unknown>,
    now: number,
  ): Promise<ConnectionRecord>;
  /** Sets the expiry of the record and its memberships; `ConnectionNotFoundError` without a live record. */
  protected abstract _touch(connectionId: string, expiresAt: number, now: number): Promise<void>;
  /** One page of live members, with an opaque cursor when more may follow. */
  protected abstract _queryMembers(channel: string, args: QueryMembersArgs): Promise<MembersPage>;

  /** Most channels one connection (and one session) may hold in this store. */
  get maxChannelsPerConnection(): number {
    return this.limits.maxChannelsPerConnection;
  }

  /**
   * Refuses a list that alone exceeds `maxChannelsPerConnection`. A `join` that exceeds it only
   * together with the current channels must be refused by `_addMemberships` atomically.
   */
  #withinChannelLimit(connectionId: string, channels: string[]): string[] {
    if (channels.length > this.limits.maxChannelsPerConnection) {
      throw new TooManyChannelsError(connectionId, this.limits.maxChannelsPerConnection);
    }
    return channels;
  }

  /**
   * Throws the `InvalidDataError` of data that, merged with a patch, takes `bytes` bytes of JSON
   * (UTF-8) when that exceeds `limits.maxDataBytes`; for `_update` implementations.
   */
  protected assertMergedDataBytes(bytes: number): void {
    assertDataBytes(bytes, this.limits, true);
  }

  /** Current time in epoch seconds. */
  protected nowSeconds(): number {
    return Math.floor(this.clock() / 1000);
  }

  async register(connectionId: string, init: RegisterInit = {}): Promise<ConnectionRecord> {
    assertConnectionId(connectionId);
    const ttl = init.ttlSeconds ?? this.ttlSeconds;
    assertTtl(ttl);
    const nowMs = this.clock();
    const record: ConnectionRecord = {
      connectionId,
      channels: this.#withinChannelLimit(connectionId, normalizeChannels(init.channels ?? [], this.limits)),
      data: normalizeData(init.data ?? {}, this.limits),
      connectedAt: nowMs,
      expiresAt: Math.floor(nowMs / 1000) + ttl,
    };
    if (init.endpoint !== undefined) record.endpoint = init.endpoint;
    await this._put(record);
    return record;
  }

  async unregister(connectionId: string): Promise<ConnectionRecord | undefined> {
    assertConnectionId(connectionId);
    return this._delete(connectionId, this.nowSeconds());
  }

  async unregisterStale(connectionId: string, minAgeMs: number): Promise<UnregisterStaleResult> {
    assertConnectionId(connectionId);
    assertMinAge(minAgeMs);
    const nowMs = this.clock();
    return this._deleteStale(connectionId, nowMs - minAgeMs, nowMs);
  }

  /**
   * Removes the live record and every membership when its `connectedAt <= connectedBefore` (epoch
   * ms): `removed`; keeps a live younger one untouched: `kept`, with `ageMs = nowMs - connectedAt`;
   * no live record: `absent` (an expired one is deleted like `_delete` does). Adapters override it
   * with one atomic step (a script, a conditional delete). This default reads, then deletes: not
   * atomic against a registration of the same id in between.
   */
  protected async _deleteStale(
    connectionId: string,
    connectedBefore: number,
    nowMs: number,
  ): Promise<UnregisterStaleResult> {
    const now = Math.floor(nowMs / 1000);
    const record = await this._get(connectionId, now);
    if (record !== undefined && record.expiresAt > now && record.connectedAt > connectedBefore) {
      return { outcome: 'kept', ageMs: nowMs - record.connectedAt };
    }
    const removed = await this._delete(connectionId, now);
    return removed === undefined ? { outcome: 'absent' } : { outcome: 'removed', record: removed };
  }

  async get(connectionId: string): Promise<ConnectionRecord | undefined> {
    assertConnectionId(connectionId);
    const now = this.nowSeconds();
    const record = await this._get(connectionId, now);
    return record !== undefined && record.expiresAt > now ? record : undefined;
  }

  async getMany(connectionIds: readonly string[]): Promise<Array<ConnectionRecord | undefined>> {
    for (const id of connectionIds) assertConnectionId(id);
    const now = this.nowSeconds();
    const records = await this._getMany(connectionIds, now);
    return records.map((record) => (record !== undefined && record.expiresAt > now ? record : undefined));
  }

  /**
   * Reads several records, in the order asked; expired or unknown → `undefined`. This default
   * calls `_get` for 16 ids at a time; an adapter with a batch read
   * (`MGET`, `BatchGetItem`) may override it.
   */
  protected async _getMany(
    connectionIds: readonly string[],
    now: number,
  ): Promise<Array<ConnectionRecord | undefined>> {
    const records: Array<ConnectionRecord | undefined> = [];
    for (let i = 0; i < connectionIds.length; i += GET_MANY_CONCURRENCY) {
      const chunk = connectionIds.slice(i, i + GET_MANY_CONCURRENCY);
      records.push(...(await Promise.all(chunk.map((id) => this._get(id, now)))));
    }
    return records;
  }

  async join(connectionId: string, channels: readonly string[]): Promise<void> {
    assertConnectionId(connectionId);
    const list = this.#withinChannelLimit(connectionId, normalizeChannels(channels, this.limits));
    if (list.length > 0) await this._addMemberships(connectionId, list, this.nowSeconds());
  }

  async leave(connectionId: string, channels: readonly string[]): Promise<void> {
    assertConnectionId(connectionId);
    const list = normalizeChannels(channels, this.limits);
    if (list.length > 0) await this._removeMemberships(connectionId, list, this.nowSeconds());
  }

  async setChannels(connectionId: string, channels: readonly string[]): Promise<void> {
    assertConnectionId(connectionId);
    const list = this.#withinChannelLimit(connectionId, normalizeChannels(channels, this.limits));
    await this._setChannels(connectionId, list, this.nowSeconds());
  }

  /**
   * Makes `channels` (validated, without duplicates) the connection's exact set. This default
   * applies the difference to the current set with `_addMemberships`/`_removeMemberships`; a join
   * racing with it is kept (as if it ran after). Adapters with an atomic replace override it.
   */
  protected async _setChannels(connectionId: string, channels: string[], now: number): Promise<void> {
    const current = await this._get(connectionId, now);
    if (current === undefined || current.expiresAt <= now) throw new ConnectionNotFoundError(connectionId);
    const wanted = new Set(channels);
    const stale = current.channels.filter((c) => !wanted.has(c));
    const had = new Set(current.channels);
    const added = channels.filter((c) => !had.has(c));
    // Stale ones first, so the channel limit counts the final set, not old and new together.
    if (stale.length > 0) await this._removeMemberships(connectionId, stale, now);
    if (added.length > 0) await this._addMemberships(connectionId, added, now);
  }

  async update(connectionId: string, patch: Record<string, unknown>): Promise<ConnectionRecord> {
    assertConnectionId(connectionId);
    return this._update(connectionId, normalizeData(patch, this.limits), this.nowSeconds());
  }

  async touch(connectionId: string, ttlSeconds: number = this.ttlSeconds): Promise<void> {
    assertConnectionId(connectionId);
    assertTtl(ttlSeconds);
    const now = this.nowSeconds();
    await this._touch(connectionId, now + ttlSeconds, now);
  }

  async members(channel: string, options: MembersOptions = {}): Promise<MembersPage> {
    assertChannel(channel, this.limits);
    const limit = options.limit ?? this.maxPageSize;
    if (!Number.isInteger(limit) || limit < 1 || limit > this.maxPageSize) {
      throw new RangeError(`limit must be an integer from 1 to ${this.maxPageSize}, got ${String(limit)}`);
    }
    if (options.cursor !== undefined && (typeof options.cursor !== 'string' || options.cursor.length === 0)) {
      throw new RangeError('cursor must be a non-empty string from a previous page');
    }
    const cursor = options.cursor === WHOLE_CHANNEL_SLICE ? undefined : options.cursor;
    return this._queryMembers(channel, { limit, cursor, now: this.nowSeconds() });
  }

  async memberSlices(channel: string, count: number): Promise<string[]> {
    assertChannel(channel, this.limits);
    assertSliceCount(count);
    return count === 1 ? [WHOLE_CHANNEL_SLICE] : this._memberSlices(channel, count, this.nowSeconds());
  }

  /**
   * At most `count` (≥ 2) disjoint slice cursors covering the channel, which `_queryMembers` then
   * pages within. This default cannot split: one slice, the whole channel. Adapters override it.
   */
  protected async _memberSlices(_channel: string, _count: number, _now: number): Promise<string[]> {
    return [WHOLE_CHANNEL_SLICE];
  }

  async appendHistory(
    channel: string,
    entry: HistoryAppend,
    retention: HistoryRetention = DEFAULT_HISTORY_RETENTION,
  ): Promise<number> {
    assertChannel(channel, this.limits);
    assertHistoryAppend(entry);
    assertRetention(retention);
    return this._appendHistory(
      channel,
      { messageId: entry.messageId, payload: entry.payload },
      retention,
      this.clock(),
    );
  }

  async retractHistory(channel: string, retraction: HistoryRetraction): Promise<boolean> {
    assertChannel(channel, this.limits);
    assertHistoryRetraction(retraction);
    return this._retractHistory(channel, retraction.seq, retraction.messageId, this.clock());
  }

  async readHistory(channel: string, options: ReadHistoryOptions = {}): Promise<HistoryPage> {
    assertChannel(channel, this.limits);
    const { since, limit, payloads } = normalizeReadHistory(options);
    return this._readHistory(channel, since, limit, this.clock(), payloads);
  }

  async claimSession(
    sessionId: string,
    from: string,
    to: string,
    ttlSeconds: number,
  ): Promise<SessionClaim | undefined> {
    assertSessionWrite(sessionId, [from, to], ttlSeconds);
    const now = this.nowSeconds();
    return this._claimSession(sessionId, from, to, now + ttlSeconds, now);
  }

  async markSession(
    sessionId: string,
    holder: string,
    marks: SessionMarks,
    ttlSeconds: number,
  ): Promise<boolean> {
    assertSessionWrite(sessionId, [holder], ttlSeconds);
    const { add, remove } = normalizeSessionMarks(marks, this.limits);
    const now = this.nowSeconds();
    return this._markSession(sessionId, holder, add, remove, now + ttlSeconds, now);
  }

  async closeSession(
    sessionId: string,
    holder: string,
    channels: readonly string[],
    ttlSeconds: number,
  ): Promise<boolean> {
    assertSessionWrite(sessionId, [holder], ttlSeconds);
    const list = normalizeSessionChannels(channels, this.limits);
    const now = this.nowSeconds();
    return this._closeSession(sessionId, holder, list, now + ttlSeconds, now);
  }

  async readSession(sessionId: string): Promise<SessionRecord | undefined> {
    assertSessionId(sessionId);
    const now = this.nowSeconds();
    const session = await this._readSession(sessionId, now);
    return session !== undefined && session.expiresAt > now ? session : undefined;
  }

  /**
   * Atomically: when the session is absent or expired at `now`, or held by `from`, makes `to` its
   * holder, not closed, expiring at `expiresAt` (its channels kept; a new one has none) and answers
   * what it found ({@link SessionClaim}); otherwise changes nothing and answers `undefined`. Of
   * concurrent claims naming the same `from`, exactly one succeeds. This default keeps no
   * sessions; adapters override it.
   */
  protected async _claimSession(
    _sessionId: string,
    _from: string,
    _to: string,
    _expiresAt: number,
    _now: number,
  ): Promise<SessionClaim | undefined> {
    throw new SessionsNotSupportedError(this.constructor.name);
  }

  /**
   * Atomically: when the session is absent or expired at `now` (then created, not closed, held by
   * `holder`), or held by `holder`: removes `remove`, then sets each of `add` whose channel is absent
   * or at -1 ({@link applySessionMarks}), sets the expiry, answers `true`; held by another: changes
   * nothing, answers `false`. More than `limits.maxChannelsPerConnection` channels after the change:
   * `TooManyChannelsError`, nothing written.
   */
  protected async _markSession(
    _sessionId: string,
    _holder: string,
    _add: Array<[string, number]>,
    _remove: string[],
    _expiresAt: number,
    _now: number,
  ): Promise<boolean> {
    throw new SessionsNotSupportedError(this.constructor.name);
  }

  /**
   * Atomically: when the session is absent or expired (then created) or held by `holder`: makes its
   * channels exactly `channels`, each keeping its start or at -1 ({@link applySessionClose}), marks
   * it closed, sets the expiry, answers `true`; held by another: changes nothing, answers `false`.
   */
  protected async _closeSession(
    _sessionId: string,
    _holder: string,
    _channels: string[],
    _expiresAt: number,
    _now: number,
  ): Promise<boolean> {
    throw new SessionsNotSupportedError(this.constructor.name);
  }

  /** The session as stored; `undefined` when absent (the base class filters expired ones too). */
  protected async _readSession(_sessionId: string, _now: number): Promise<SessionRecord | undefined> {
    throw new SessionsNotSupportedError(this.constructor.name);
  }

  /**
   * Appends a validated entry stamped `at = now` (epoch ms) and answers its sequence number,
   * atomically with trimming to `retention.maxLength`; the entry expires at
   * `now + retention.ttlSeconds * 1000`. This default keeps no history. Adapters override it.
   */
  protected async _appendHistory(
    _channel: string,
    _entry: HistoryAppend,
    _retention: HistoryRetention,
    _now: number,
  ): Promise<number> {
    throw new HistoryNotSupportedError(this.constructor.name);
  }

  /**
   * Atomically: when entry `seq` of the channel's current log (its counter not lapsed at `now`,
   * epoch ms) is live and holds `messageId`, replaces it by a retraction marker (same `seq`, `at`
   * and expiry, `payload` dropped, `retracted: true`) and answers `true`; otherwise writes nothing
   * and answers `false`. Never creates a log, never changes the head. Only deletes or rewrites
   * (it must run where the backend refuses writes that add data). This default keeps no history.
   * Adapters override it.
   */
  protected async _retractHistory(
    _channel: string,
    _seq: number,
    _messageId: string,
    _now: number,
  ): Promise<boolean> {
    throw new HistoryNotSupportedError(this.constructor.name);
  }

  /**
   * Entries with `seq > since` not expired at `now` (epoch ms), ascending, at most `limit`, with
   * the log's `headSeq` and `oldestSeq`; without their payload (`''`) when `payloads` is `false`
   * (`limit` may then reach {@link MAX_HISTORY_SCAN}). This default keeps no history. Adapters
   * override it.
   */
  protected async _readHistory(
    _channel: string,
    _since: number,
    _limit: number,
    _now: number,
    _payloads: boolean,
  ): Promise<HistoryPage> {
    throw new HistoryNotSupportedError(this.constructor.name);
  }

  async *allMembers(channel: string, options: { pageSize?: number } = {}): AsyncIterable<string> {
    let cursor: string | undefined;
    do {
      const page: MembersPage = await this.members(channel, { limit: options.pageSize, cursor });
      yield* page.connectionIds;
      cursor = page.cursor;
    } while (cursor !== undefined);
  }
}
