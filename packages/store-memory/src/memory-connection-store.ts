import {
  BaseConnectionStore,
  type BaseConnectionStoreOptions,
  ConnectionNotFoundError,
  type ConnectionRecord,
  InvalidCursorError,
  type MembersPage,
  type QueryMembersArgs,
} from '@wsapp/core';
import { decodeSlice, encodeSlice, inSlice, planSlices } from './slices.js';

/** Options of {@link MemoryConnectionStore}. */
export type MemoryConnectionStoreOptions = BaseConnectionStoreOptions;

interface Entry {
  record: ConnectionRecord;
  channels: Set<string>;
}

const CURSOR_PREFIX = 'm1.';
const SWEEP_EVERY = 1000;

/**
 * A {@link @wsapp/core!ConnectionStore | ConnectionStore} in process memory: O(1) join and leave, paged members, TTL with an
 * injectable clock. For unit tests and the local emulator; state is lost with the process and
 * not shared between Lambda instances, so do not deploy it.
 */
export class MemoryConnectionStore extends BaseConnectionStore {
  readonly #connections = new Map<string, Entry>();
  /** channel → (connectionId → sequence number). Map order is insertion order, so sequence numbers increase along it. */
  readonly #channels = new Map<string, Map<string, number>>();
  #sequence = 0;
  #writes = 0;

  constructor(options: MemoryConnectionStoreOptions = {}) {
    super(options);
  }

  /** How many live connections are stored. */
  get size(): number {
    this.sweep();
    return this.#connections.size;
  }

  /** Removes expired connections and their memberships now (reads skip them anyway). */
  sweep(): number {
    const now = this.nowSeconds();
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
        [...ids.keys()].map((connectionId) => ({ channel, connectionId })),
      ),
    };
  }

  /** {@inheritDoc @wsapp/core!BaseConnectionStore._put} */
  protected async _put(record: ConnectionRecord): Promise<void> {
    if (++this.#writes % SWEEP_EVERY === 0) this.sweep();
    const previous = this.#connections.get(record.connectionId);
    if (previous !== undefined) this.#drop(record.connectionId, previous);
    const entry: Entry = {
      record: { ...record, channels: [], data: structuredClone(record.data) },
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

  /** {@inheritDoc @wsapp/core!BaseConnectionStore._addMemberships} */
  protected async _addMemberships(connectionId: string, channels: string[], now: number): Promise<void> {
    this.#add(connectionId, this.#require(connectionId, now), channels);
  }

  /** {@inheritDoc @wsapp/core!BaseConnectionStore._removeMemberships} */
  protected async _removeMemberships(connectionId: string, channels: string[], now: number): Promise<void> {
    const entry = this.#require(connectionId, now);
    for (const channel of channels) {
      if (entry.channels.delete(channel)) this.#unlink(channel, connectionId);
    }
  }

  /** {@inheritDoc @wsapp/core!BaseConnectionStore._update} */
  protected async _update(
    connectionId: string,
    patch: Record<string, unknown>,
    now: number,
  ): Promise<ConnectionRecord> {
    const entry = this.#require(connectionId, now);
    const data: Record<string, unknown> = { ...entry.record.data };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete data[key];
      else Object.defineProperty(data, key, { value, enumerable: true, writable: true, configurable: true });
    }
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
    const slice = decodeSlice(cursor);
    const after = slice?.after ?? (cursor === undefined ? -1 : decodeCursor(cursor));
    const members = this.#channels.get(channel);
    const connectionIds: string[] = [];
    if (members === undefined) return { connectionIds };
    let lastSeq = after;
    for (const [id, seq] of members) {
      if (seq <= after || (slice && !inSlice(id, slice.index, slice.count))) continue;
      if (connectionIds.length === limit)
        return {
          connectionIds,
          cursor: slice ? encodeSlice({ ...slice, after: lastSeq }) : CURSOR_PREFIX + lastSeq.toString(36),
        };
      const entry = this.#connections.get(id);
      if (entry === undefined || entry.record.expiresAt <= now) continue;
      connectionIds.push(id);
      lastSeq = seq;
    }
    return { connectionIds };
  }

  /** {@inheritDoc @wsapp/core!BaseConnectionStore._memberSlices} */
  protected override async _memberSlices(channel: string, count: number): Promise<string[]> {
    return planSlices(this.#channels.get(channel)?.size ?? 0, count);
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
        members = new Map();
        this.#channels.set(channel, members);
      }
      members.set(connectionId, ++this.#sequence);
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
  return { ...record, channels: [...channels], data: structuredClone(record.data) };
}

function decodeCursor(cursor: string): number {
  const seq = cursor.startsWith(CURSOR_PREFIX)
    ? Number.parseInt(cursor.slice(CURSOR_PREFIX.length), 36)
    : Number.NaN;
  if (!Number.isSafeInteger(seq) || seq < 0) throw new InvalidCursorError();
  return seq;
}
