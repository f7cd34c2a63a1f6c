import {
  BaseConnectionStore,
  type BaseConnectionStoreOptions,
  ConnectionNotFoundError,
  type ConnectionRecord,
  type HistoryAppend,
  type HistoryPage,
  type HistoryRetention,
  type MembersPage,
  mergeData,
  type QueryMembersArgs,
  type SessionClaim,
  type SessionRecord,
  TooManyChannelsError,
  type UnregisterStaleResult,
} from '@wsapp/core';
import { decodeCursor, encodeCursor } from './cursor.js';
import { HistoryLogs, type RawHistoryEntry } from './history-log.js';
import { SessionRecords } from './sessions.js';
import { inSlice, planSlices } from './slices.js';
import { SortedIds } from './sorted-ids.js';

/** Options of {@link MemoryConnectionStore}. */
export type MemoryConnectionStoreOptions = BaseConnectionStoreOptions;

interface Entry {
  record: ConnectionRecord;
  channels: Set<string>;
}

const SWEEP_EVERY = 1000;

/**
 * A {@link @wsapp/core!ConnectionStore | ConnectionStore} in process memory: join and leave in
 * O(log n) per channel, members paged in id order, TTL with an injectable clock. For unit tests and the local emulator; state is lost with the process and
 * not shared between Lambda instances, so do not deploy it.
 */
export class MemoryConnectionStore extends BaseConnectionStore {
  readonly #connections = new Map<string, Entry>();
  /** channel → its member ids in code-unit order (the paging order). */
  readonly #channels = new Map<string, SortedIds>();
  readonly #history = new HistoryLogs();
  readonly #sessions = new SessionRecords(() => this.limits.maxChannelsPerConnection);
  #writes = 0;

  constructor(options: MemoryConnectionStoreOptions = {}) {
    super(options);
  }

  /** How many live connections are stored. */
  get size(): number {
    this.sweep();
    return this.#connections.size;
  }

  /**
   * Removes expired connections and their memberships now, and expired history entries and idle
   * history logs (reads skip them anyway); answers how many connections went.
   */
  sweep(): number {
    this.#history.sweep(this.clock());
    const now = this.nowSeconds();
    this.#sessions.sweep(now);
    let removed = 0;
    for (const [id, entry] of this.#connections) {
      if (entry.record.expiresAt <= now) {
        this.#drop(id, entry);
        removed++;
      }
    }
    return removed;
  }

  /** The raw state, for tests that check what was really stored (no filtering of expired items). */
  inspect(): {
    /** Every record, expired ones included. */
    connections: ConnectionRecord[];
    /** Every membership, expired ones included. */
    memberships: Array<{
      /** The channel. */
      channel: string;
      /** The member. */
      connectionId: string;
    }>;
  } {
    return {
      connections: [...this.#connections.values()].map((e) => copy(e.record, e.channels)),
      memberships: [...this.#channels].flatMap(([channel, ids]) =>
        [...ids.after(undefined)].map((connectionId) => ({ channel, connectionId })),
      ),
    };
  }

  /** A channel's history as held, expired entries included (for tests that check what is stored). */
  inspectHistory(channel: string): RawHistoryEntry[] {
    return this.#history.raw(channel);
  }

  /** {@inheritDoc @wsapp/core!BaseConnectionStore._appendHistory} */
  protected override async _appendHistory(
    channel: string,
    entry: HistoryAppend,
    retention: HistoryRetention,
    now: number,
  ): Promise<number> {
    return this.#history.append(channel, entry, retention, now);
  }

  /** {@inheritDoc @wsapp/core!BaseConnectionStore._retractHistory} */
  protected override async _retractHistory(
    channel: string,
    seq: number,
    messageId: string,
    now: number,
  ): Promise<boolean> {
    return this.#history.retract(channel, seq, messageId, now);
  }

  /** {@inheritDoc @wsapp/core!BaseConnectionStore._readHistory} */
  protected override async _readHistory(
    channel: string,
    since: number,
    limit: number,
    now: number,
    payloads: boolean,
  ): Promise<HistoryPage> {
    return this.#history.read(channel, since, limit, now, payloads);
  }

  /** A session as held, expired or not (for tests that check what is stored). */
  inspectSession(sessionId: string): SessionRecord | undefined {
    return this.#sessions.raw(sessionId);
  }

  /** {@inheritDoc @wsapp/core!BaseConnectionStore._claimSession} */
  protected override async _claimSession(
    sessionId: string,
    from: string,
    to: string,
    expiresAt: number,
    now: number,
  ): Promise<SessionClaim | undefined> {
    return this.#sessions.claim(sessionId, from, to, expiresAt, now);
  }

  /** {@inheritDoc @wsapp/core!BaseConnectionStore._markSession} */
  protected override async _markSession(
    sessionId: string,
    holder: string,
    add: Array<[string, number]>,
    remove: string[],
    expiresAt: number,
    now: number,
  ): Promise<boolean> {
    return this.#sessions.mark(sessionId, holder, add, remove, expiresAt, now);
  }

  /** {@inheritDoc @wsapp/core!BaseConnectionStore._closeSession} */
  protected override async _closeSession(
    sessionId: string,
    holder: string,
    channels: string[],
    expiresAt: number,
    now: number,
  ): Promise<boolean> {
    return this.#sessions.close(sessionId, holder, channels, expiresAt, now);
  }

  /** {@inheritDoc @wsapp/core!BaseConnectionStore._readSession} */
  protected override async _readSession(sessionId: string, now: number): Promise<SessionRecord | undefined> {
    return this.#sessions.read(sessionId, now);
  }

  /** {@inheritDoc @wsapp/core!BaseConnectionStore._put} */
  protected async _put(record: ConnectionRecord): Promise<void> {
    if (++this.#writes % SWEEP_EVERY === 0) this.sweep();
    const previous = this.#connections.get(record.connectionId);
    if (previous !== undefined) this.#drop(record.connectionId, previous);
    const entry: Entry = {
      record: { ...record, channels: [], data: cloneData(record.data) },
      channels: new Set(),
    };
    this.#connections.set(record.connectionId, entry);
    this.#add(record.connectionId, entry, record.channels);
  }

  /** {@inheritDoc @wsapp/core!BaseConnectionStore._get} */
  protected async _get(connectionId: string, now: number): Promise<ConnectionRecord | undefined> {
    const entry = this.#live(connectionId, now);
    return entry && copy(entry.record, entry.channels);
  }

  /** {@inheritDoc @wsapp/core!BaseConnectionStore._delete} */
  protected async _delete(connectionId: string, now: number): Promise<ConnectionRecord | undefined> {
    const entry = this.#connections.get(connectionId);
    if (entry === undefined) return undefined;
    this.#drop(connectionId, entry);
    return entry.record.expiresAt > now ? copy(entry.record, entry.channels) : undefined;
  }

  /** `_deleteStale` in memory: one synchronous step, so atomic. */
  protected override async _deleteStale(
    connectionId: string,
    connectedBefore: number,
    nowMs: number,
  ): Promise<UnregisterStaleResult> {
    const entry = this.#connections.get(connectionId);
    if (entry === undefined) return { outcome: 'absent' };
    const live = entry.record.expiresAt > Math.floor(nowMs / 1000);
    if (live && entry.record.connectedAt > connectedBefore) {
      return { outcome: 'kept', ageMs: nowMs - entry.record.connectedAt };
    }
    this.#drop(connectionId, entry);
    return live ? { outcome: 'removed', record: copy(entry.record, entry.channels) } : { outcome: 'absent' };
  }

  /** {@inheritDoc @wsapp/core!BaseConnectionStore._addMemberships} */
  protected async _addMemberships(connectionId: string, channels: string[], now: number): Promise<void> {
    const entry = this.#require(connectionId, now);
    let added = 0;
    for (const channel of channels) if (!entry.channels.has(channel)) added++;
    const limit = this.limits.maxChannelsPerConnection;
    if (entry.channels.size + added > limit) throw new TooManyChannelsError(connectionId, limit);
    this.#add(connectionId, entry, channels);
  }

  /** {@inheritDoc @wsapp/core!BaseConnectionStore._removeMemberships} */
  protected async _removeMemberships(connectionId: string, channels: string[], now: number): Promise<void> {
    const entry = this.#require(connectionId, now);
    for (const channel of channels) {
      if (entry.channels.delete(channel)) this.#unlink(channel, connectionId);
    }
  }

  /** Replaces the channel set in one synchronous step, so no other call interleaves. */
  protected override async _setChannels(
    connectionId: string,
    channels: string[],
    now: number,
  ): Promise<void> {
    const entry = this.#require(connectionId, now);
    const wanted = new Set(channels);
    for (const channel of [...entry.channels]) {
      if (!wanted.has(channel)) {
        entry.channels.delete(channel);
        this.#unlink(channel, connectionId);
      }
    }
    this.#add(connectionId, entry, channels);
  }

  /** {@inheritDoc @wsapp/core!BaseConnectionStore._update} */
  protected async _update(
    connectionId: string,
    patch: Record<string, unknown>,
    now: number,
  ): Promise<ConnectionRecord> {
    const entry = this.#require(connectionId, now);
    const data = mergeData(entry.record.data, patch);
    // Checked before anything is written: a refused patch leaves the stored data as it was.
    this.assertMergedDataBytes(Buffer.byteLength(JSON.stringify(data), 'utf8'));
    entry.record.data = data;
    return copy(entry.record, entry.channels);
  }

  /** {@inheritDoc @wsapp/core!BaseConnectionStore._touch} */
  protected async _touch(connectionId: string, expiresAt: number, now: number): Promise<void> {
    this.#require(connectionId, now).record.expiresAt = expiresAt;
  }

  /** {@inheritDoc @wsapp/core!BaseConnectionStore._queryMembers} */
  protected async _queryMembers(
    channel: string,
    { limit, cursor, now }: QueryMembersArgs,
  ): Promise<MembersPage> {
    const position = cursor === undefined ? undefined : decodeCursor(channel, cursor);
    const slice = position?.slice;
    const connectionIds: string[] = [];
    const members = this.#channels.get(channel);
    if (members === undefined) return { connectionIds };
    for (const id of members.after(position?.after)) {
      if (slice !== undefined && !inSlice(id, slice.index, slice.count)) continue;
      if (connectionIds.length === limit)
        return { connectionIds, cursor: encodeCursor(channel, { after: connectionIds[limit - 1], slice }) };
      const entry = this.#connections.get(id);
      if (entry !== undefined && entry.record.expiresAt > now) connectionIds.push(id);
    }
    return { connectionIds };
  }

  /** {@inheritDoc @wsapp/core!BaseConnectionStore._memberSlices} */
  protected override async _memberSlices(channel: string, count: number): Promise<string[]> {
    return planSlices(channel, this.#channels.get(channel)?.size ?? 0, count);
  }

  #live(connectionId: string, now: number): Entry | undefined {
    const entry = this.#connections.get(connectionId);
    return entry !== undefined && entry.record.expiresAt > now ? entry : undefined;
  }

  #require(connectionId: string, now: number): Entry {
    const entry = this.#live(connectionId, now);
    if (entry === undefined) throw new ConnectionNotFoundError(connectionId);
    return entry;
  }

  #add(connectionId: string, entry: Entry, channels: readonly string[]): void {
    for (const channel of channels) {
      if (entry.channels.has(channel)) continue;
      entry.channels.add(channel);
      let members = this.#channels.get(channel);
      if (members === undefined) {
        members = new SortedIds();
        this.#channels.set(channel, members);
      }
      members.add(connectionId);
    }
  }

  #unlink(channel: string, connectionId: string): void {
    const members = this.#channels.get(channel);
    if (members === undefined) return;
    members.delete(connectionId);
    if (members.size === 0) this.#channels.delete(channel);
  }

  #drop(connectionId: string, entry: Entry): void {
    this.#connections.delete(connectionId);
    for (const channel of entry.channels) this.#unlink(channel, connectionId);
  }
}

function copy(record: ConnectionRecord, channels: Set<string>): ConnectionRecord {
  return { ...record, channels: [...channels], data: cloneData(record.data) };
}

/** Copies plain JSON data (what `normalizeData` lets through); unlike `structuredClone`, any depth JSON takes. */
function cloneData(data: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
}
