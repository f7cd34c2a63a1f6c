import type { ConnectionStore } from '@wsapp/core';
import type { TestClock } from './test-clock.js';

/** An item the backend holds, read directly from it. */
export interface RawItem {
  /** The backend key (Redis key, DynamoDB `pk|sk`, …). */
  key: string;
  /** Expiry the backend will act on, epoch seconds; `undefined` when none is set. */
  expiresAt: number | undefined;
}

/** A membership the backend holds, read directly from it (expired ones included). */
export interface RawMember {
  /** The member's connection id. */
  connectionId: string;
  /** The expiry the backend stored, epoch seconds; `undefined` when none was written. */
  expiresAt: number | undefined;
}

/** A history entry the backend holds, read directly from it (expired and trimmed-late ones included). */
export interface RawHistoryItem {
  /** The entry's sequence number. */
  seq: number;
  /** Expiry the backend will act on for this entry, epoch seconds; `undefined` when none is set. */
  expiresAt: number | undefined;
}

/**
 * Backdoor reads that bypass the adapter, so the suite checks what was really written
 * (the approach of Auth.js adapter tests), not only what the adapter reads back.
 */
export interface StoreInspector {
  /** Every item stored for a connection: its record and any per-connection keys. */
  connectionItems(connectionId: string): Promise<RawItem[]>;
  /** Every membership stored for a channel, across all its shards or keys. */
  channelMembers(channel: string): Promise<RawMember[]>;
  /**
   * Every history entry stored for a channel (not its head counter), ascending by `seq`. Stores
   * with history provide it; without it the history groups check only through the store.
   */
  historyEntries?(channel: string): Promise<RawHistoryItem[]>;
  /**
   * Every item stored for a session (see `SessionRecord` in `@wsapp/core`). Stores with sessions
   * provide it; without it the sessions group checks only through the store.
   */
  sessionItems?(sessionId: string): Promise<RawItem[]>;
}

/**
 * Limits some groups ask `create` for (the channel-limit and data-size cases build a store with a
 * small `maxChannelsPerConnection`). Absent fields mean the store's defaults.
 */
export interface StoreLimitOptions {
  /** Pass to the store as its `maxChannelsPerConnection`. */
  maxChannelsPerConnection?: number;
  /** Pass to the store as its `maxDataBytes`. */
  maxDataBytes?: number;
}

/** What {@link ConnectionStoreSuiteOptions.create} receives. */
export interface StoreFactoryContext extends StoreLimitOptions {
  /** The test's clock: the store must read time from it. */
  clock: TestClock;
  /**
   * The test's tag, the same for every store of one test. An adapter that isolates stores (a
   * key prefix per store) and sets `sharedBackend` derives the isolation from it, so the stores
   * of one test see each other's data.
   */
  namespace: string;
}

/** Options of {@link connectionStoreSuite}. */
export interface ConnectionStoreSuiteOptions<TStore extends ConnectionStore = ConnectionStore> {
  /**
   * Creates a store over the shared backend. It must read time from `clock` (pass
   * `clock: () => clock.now()`), so the suite can move time to test expiry, and pass the limit
   * fields through when present (`maxChannelsPerConnection`, `maxDataBytes`):
   *
   * ```ts
   * create: ({ clock, ...limits }) => new MyStore({ ...limits, clock: () => clock.now() })
   * ```
   */
  create(context: StoreFactoryContext): TStore | Promise<TStore>;
  /** Backdoor reads of the backend; without it the suite checks only through the store. */
  inspect?(store: TStore): StoreInspector;
  /** Closes what `create` opened (clients, connections). */
  destroy?(store: TStore): void | Promise<void>;
  /** Joins and leaves each of the storm group's 200 connections runs (default 12). */
  stormOperations?: number;
  /** Number of members of the large paging case (default 1,200). */
  pagingMembers?: number;
  /**
   * Runs of each model-based concurrent group (default 40; fast-check, seeded). Lower it for slow
   * backends; `WSAPP_MODEL_RUNS` overrides it.
   */
  modelRuns?: number;
  /**
   * Set when the store's `members()` checks every index entry against its connection's record and
   * drops those the record does not list (the Redis Cluster store does: a connection's keys and a
   * channel's keys live in different slots, so a racing join and leave can leave such an entry).
   * The model groups then accept these entries in backdoor reads, never in `members()`, provided
   * each carries an expiry, and count them in the test output. Default `false`: every live
   * membership the backend holds must be listed in its record.
   */
  membersVerifiedAgainstRecords?: boolean;
  /**
   * Set when the store guarantees `register` of an id only while no other call on that id runs
   * (what `WebSocketApp` does: it registers on `$connect`, before API Gateway delivers any message
   * of the connection). The model groups then run each `register` alone on its id: before the
   * batch's other calls, which still race each other. Default `false`: re-registering races too.
   * The Redis Cluster store needs it (see its README, Cluster ordering).
   */
  serialRegistration?: boolean;
  /**
   * Time after which each model-based test starts no new run (default 45,000 ms;
   * `WSAPP_MODEL_TIME_LIMIT_MS` overrides), so a slow backend stays bounded; the runs done are printed.
   */
  modelTimeLimitMs?: number;
  /**
   * Set when stores made by `create` with the same `namespace` share one backend (Redis,
   * DynamoDB; not the memory store): the concurrent history group then appends through several of
   * them, like several Lambda instances broadcasting. Default `false`: it appends concurrently
   * through the one store.
   */
  sharedBackend?: boolean;
  /**
   * Set `false` for a store that keeps no channel history: the history groups then check only that
   * `appendHistory`/`readHistory` are absent or throw `HistoryNotSupportedError`. Default `true`.
   */
  history?: boolean;
  /**
   * Set `false` for a store with history but without `retractHistory` (written against an earlier
   * version): the history retraction group is skipped. Default `true` (when `history` is).
   */
  historyRetraction?: boolean;
  /**
   * Set `false` for a store that keeps no sessions: the sessions group is skipped. Default `true`.
   */
  sessions?: boolean;
  /** fast-check seed of the model-based groups (default fixed; `WSAPP_MODEL_SEED` overrides it). */
  modelSeed?: number;
}
