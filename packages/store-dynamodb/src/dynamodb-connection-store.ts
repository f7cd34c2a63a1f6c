import { randomInt } from 'node:crypto';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import {
  BaseConnectionStore,
  type BaseConnectionStoreOptions,
  ConnectionNotFoundError,
  type ConnectionRecord,
  type HistoryAppend,
  type HistoryPage,
  type HistoryRetention,
  type MembersPage,
  type QueryMembersArgs,
  type SessionClaim,
  type SessionRecord,
  TooManyChannelsError,
  type UnregisterStaleResult,
} from '@wsapp/core';
import { type ResolvedRetry, type RetryOptions, resolveRetry } from './backoff.js';
import { type ChannelShards, shardResolver } from './channel-shards.js';
import { CONFLICT, untilSettled } from './conflicts.js';
import { decodeConnection, type StoredConnection } from './connection-item.js';
import {
  deleteConnection,
  type JoinRoom,
  joinConnection,
  leaveConnection,
  putConnection,
  reviseConnection,
} from './connection-writes.js';
import { isSliceCursor } from './cursor.js';
import { updateData } from './data-update.js';
import { ExpiryCache } from './expiry-cache.js';
import { appendHistoryItem, readHistoryItems } from './history-log.js';
import { retractHistoryItem } from './history-retract.js';
import { resolveChannelLimit } from './item-size.js';
import { membershipPartitionKey } from './key-layout.js';
import { queryMembers } from './members-query.js';
import { applyChannelChange } from './membership-writes.js';
import { DEFAULT_OPERATION_TIMEOUT_MS, type Operation, readConnection, withDeadline } from './operation.js';
import { DynamoDBSessions } from './sessions.js';
import { planSlices, querySlice } from './slices.js';
import { deleteStaleConnection } from './stale-delete.js';
import { TableLayout } from './table-layout.js';
import type { ConditionFailure } from './transact.js';

/** Options of {@link DynamoDBConnectionStore}. */
export interface DynamoDBConnectionStoreOptions extends BaseConnectionStoreOptions {
  /** Table name (partition key and sort key both strings, TTL enabled on {@link ttlAttr}). */
  tableName: string;
  /** A client to reuse (its middleware, retry and credentials apply); otherwise one is created on first use. */
  client?: DynamoDBClient;
  /** Configuration of the client created when `client` is not given. */
  clientConfig?: DynamoDBClientConfig;
  /** Partition key attribute name. Default `pk`. */
  keyAttr?: string;
  /** Sort key attribute name. Default `sk`. */
  sortKeyAttr?: string;
  /** TTL attribute name (epoch seconds). Default `expiresAt`. */
  ttlAttr?: string;
  /** Spreads hot channels' memberships over several partition keys. Default 1 (no sharding). */
  channelShards?: ChannelShards;
  /** Strongly consistent `members()` queries (twice the read cost). Default `false`. */
  consistentMembers?: boolean;
  /** Retry of transaction conflicts (the SDK retries throttling itself). */
  retry?: RetryOptions;
  /**
   * Deadline of one store call, ms, for all the requests it sends, SDK retries included; past it
   * the call fails with `StoreUnavailableError` and its requests in flight are aborted. Default 5000.
   */
  operationTimeoutMs?: number;
}

/**
 * A {@link @wsapp/core!ConnectionStore | ConnectionStore} on one DynamoDB table, like Powertools' `DynamoDBPersistenceLayer`:
 * a connection item (`c#<id>` / `c`) holding the record and its channel set, and one membership
 * item per channel and connection (`ch#<channel>` or `sh#<shard>#<channel>` / `<id>`), so a
 * broadcast is a Query on the channel's partition, never a Scan. Every item carries the TTL
 * attribute and reads skip expired items, since DynamoDB deletes them only hours later.
 *
 * Every channel change writes the connection item first, with up to 99 memberships in the same
 * transaction; memberships beyond are written after it, each chunk fenced by a check of the
 * connection item (see `applyChannelChange`), so every membership is listed by its connection.
 */
export class DynamoDBConnectionStore extends BaseConnectionStore {
  /** The table this store writes. */
  readonly tableName: string;
  /** Deadline of one store call, ms (SDK retries included). */
  readonly operationTimeoutMs: number;
  readonly #layout: TableLayout;
  readonly #retry: ResolvedRetry;
  readonly #consistentMembers: boolean;
  readonly #clientConfig: DynamoDBClientConfig | undefined;
  readonly #ownsClient: boolean;
  #client: DynamoDBClient | undefined;
  readonly #expiry = new ExpiryCache();
  readonly #sessions: DynamoDBSessions;

  constructor(options: DynamoDBConnectionStoreOptions) {
    super({ ...options, maxChannelsPerConnection: resolveChannelLimit(options) });
    if (typeof options.tableName !== 'string' || options.tableName.length === 0) {
      throw new TypeError('tableName is required');
    }
    this.tableName = options.tableName;
    const keys = {
      pk: options.keyAttr ?? 'pk',
      sk: options.sortKeyAttr ?? 'sk',
      ttl: options.ttlAttr ?? 'expiresAt',
    };
    this.#layout = new TableLayout(this.tableName, keys, shardResolver(options.channelShards));
    this.#retry = resolveRetry(options.retry);
    this.operationTimeoutMs = options.operationTimeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
    if (!Number.isInteger(this.operationTimeoutMs) || this.operationTimeoutMs <= 0) {
      throw new RangeError(
        `operationTimeoutMs must be a positive integer, got ${String(this.operationTimeoutMs)}`,
      );
    }
    this.#consistentMembers = options.consistentMembers ?? false;
    this.#client = options.client;
    this.#clientConfig = options.clientConfig;
    this.#ownsClient = options.client === undefined;
    this.#sessions = new DynamoDBSessions(this.limits.maxChannelsPerConnection);
  }

  /** The DynamoDB client: the one given, or one created from `clientConfig` on first use. */
  get client(): DynamoDBClient {
    this.#client ??= new DynamoDBClient(this.#clientConfig ?? {});
    return this.#client;
  }

  /** Most channels one connection may belong to: the option, or what a 400 KB item holds (at most 1,000). */
  override get maxChannelsPerConnection(): number {
    return this.limits.maxChannelsPerConnection;
  }

  /** Closes the client if this store created it (a client passed in is left to its owner). */
  close(): void {
    if (this.#ownsClient) this.#client?.destroy();
    this.#client = undefined;
  }

  /** Number of partition keys (shards) holding `channel`'s memberships. */
  shardsOf(channel: string): number {
    return this.#layout.shardsOf(channel);
  }

  /** Partition keys holding `channel`'s memberships, shard 0 first (for tooling and tests). */
  channelPartitionKeys(channel: string): string[] {
    const shards = this.#layout.shardsOf(channel);
    return Array.from({ length: shards }, (_, shard) => membershipPartitionKey(channel, shard, shards));
  }

  protected _put(record: ConnectionRecord): Promise<void> {
    const { connectionId } = record;
    const now = Math.floor(record.connectedAt / 1000);
    return this.#run('register', async (op) => {
      // What the write expects to replace: nothing live (the usual case), or a live record at `rev`.
      let previous: StoredConnection | undefined;
      await untilSettled(this.#retry, `register of ${JSON.stringify(connectionId)}`, async () => {
        const rev = previous === undefined ? randomInt(2 ** 40) : previous.rev + 1;
        const wanted = new Set(record.channels);
        const failed = await applyChannelChange(op, {
          connectionId,
          connection: putConnection(this.#layout, record, rev, previous?.rev, now),
          deletes: previous?.record.channels.filter((c) => !wanted.has(c)) ?? [],
          puts: record.channels,
          expiresAt: record.expiresAt,
        });
        if (failed === undefined) return undefined;
        const old = this.#decodeFailure(failed);
        previous = old !== undefined && old.record.expiresAt > now ? old : undefined;
        return CONFLICT;
      });
      this.#expiry.remember(connectionId, record.expiresAt);
    });
  }

  protected _get(connectionId: string, now: number): Promise<ConnectionRecord | undefined> {
    return this.#run('get', async (op) => {
      const stored = await this.#read(op, connectionId);
      return stored === undefined || stored.record.expiresAt <= now ? undefined : stored.record;
    });
  }

  protected _delete(connectionId: string, now: number): Promise<ConnectionRecord | undefined> {
    return this.#run('unregister', (op) =>
      untilSettled(this.#retry, `unregister of ${JSON.stringify(connectionId)}`, async () => {
        const stored = await this.#read(op, connectionId);
        if (stored === undefined) return undefined;
        // The item goes first (with the first 99 memberships): from then on no fenced put succeeds.
        const failed = await applyChannelChange(op, {
          connectionId,
          connection: deleteConnection(this.#layout, connectionId, stored.rev),
          deletes: stored.record.channels,
          puts: [],
          expiresAt: stored.record.expiresAt,
        });
        if (failed !== undefined) return CONFLICT;
        this.#expiry.forget(connectionId);
        return stored.record.expiresAt > now ? stored.record : undefined;
      }),
    );
  }

  /**
   * `_deleteStale` on DynamoDB: the item is deleted under a condition on its revision and its
   * `connectedAt` (see `deleteStaleConnection`); a failed condition reads again.
   */
  protected override _deleteStale(
    connectionId: string,
    connectedBefore: number,
    nowMs: number,
  ): Promise<UnregisterStaleResult> {
    const now = Math.floor(nowMs / 1000);
    return this.#run('unregisterStale', (op) =>
      untilSettled(this.#retry, `unregisterStale of ${JSON.stringify(connectionId)}`, async () => {
        const stored = await this.#read(op, connectionId);
        if (stored === undefined) return { outcome: 'absent' } as const;
        const { record, rev } = stored;
        const live = record.expiresAt > now;
        if (live && record.connectedAt > connectedBefore) {
          return { outcome: 'kept', ageMs: nowMs - record.connectedAt } as const;
        }
        const failed = await applyChannelChange(op, {
          connectionId,
          connection: live
            ? deleteStaleConnection(this.#layout, connectionId, rev, connectedBefore)
            : deleteConnection(this.#layout, connectionId, rev),
          deletes: record.channels,
          puts: [],
          expiresAt: record.expiresAt,
        });
        if (failed !== undefined) return CONFLICT;
        this.#expiry.forget(connectionId);
        return live ? ({ outcome: 'removed', record } as const) : ({ outcome: 'absent' } as const);
      }),
    );
  }

  protected _addMemberships(connectionId: string, channels: string[], now: number): Promise<void> {
    const limit = this.limits.maxChannelsPerConnection;
    return this.#run('join', async (op) => {
      let expiresAt = this.#expiry.recall(connectionId, now);
      // Checked without a read while the set has room for the whole list; once it may not (the
      // join overlaps the current set), against the set read at `rev`.
      let room: JoinRoom = { limit };
      await untilSettled(this.#retry, `join of ${JSON.stringify(connectionId)}`, async () => {
        if (expiresAt === undefined)
          expiresAt = (await this.#requireLive(op, connectionId, now)).record.expiresAt;
        // The expiry condition makes the memberships' expiry exactly the connection's, even when a
        // `touch` races with this join (it changes the expiry, so this write retries with the new one).
        const failed = await applyChannelChange(op, {
          connectionId,
          connection: joinConnection(this.#layout, connectionId, channels, { expiresAt, now, room }),
          deletes: [],
          puts: channels,
          expiresAt,
        });
        if (failed === undefined) return undefined;
        const current = this.#decodeFailure(failed);
        if (current === undefined || current.record.expiresAt <= now) throw this.#notFound(connectionId);
        if (new Set([...current.record.channels, ...channels]).size > limit) {
          throw new TooManyChannelsError(connectionId, limit);
        }
        expiresAt = current.record.expiresAt;
        if (current.record.channels.length > limit - channels.length) room = { rev: current.rev };
        return CONFLICT;
      });
      this.#expiry.remember(connectionId, expiresAt as number);
    });
  }

  protected _removeMemberships(connectionId: string, channels: string[], now: number): Promise<void> {
    return this.#run('leave', async (op) => {
      const failed = await applyChannelChange(op, {
        connectionId,
        connection: leaveConnection(this.#layout, connectionId, channels, now),
        deletes: channels,
        puts: [],
        expiresAt: 0,
      });
      if (failed !== undefined) throw this.#notFound(connectionId);
    });
  }

  /** Replaces the channel set in one transaction (up to 99 changed memberships), checked against concurrent changes. */
  protected override _setChannels(connectionId: string, wanted: string[], now: number): Promise<void> {
    return this.#run('setChannels', (op) =>
      untilSettled(this.#retry, `setChannels of ${JSON.stringify(connectionId)}`, async () => {
        const { record, rev } = await this.#requireLive(op, connectionId, now);
        const had = new Set(record.channels);
        const wantedSet = new Set(wanted);
        const added = wanted.filter((c) => !had.has(c));
        const stale = record.channels.filter((c) => !wantedSet.has(c));
        if (added.length === 0 && stale.length === 0) return undefined;
        const failed = await applyChannelChange(op, {
          connectionId,
          connection: reviseConnection(
            this.#layout,
            connectionId,
            { rev, expiresAt: record.expiresAt },
            { channels: wanted },
          ),
          deletes: stale,
          puts: added,
          expiresAt: record.expiresAt,
        });
        return failed === undefined ? undefined : CONFLICT;
      }),
    );
  }

  protected _update(
    connectionId: string,
    patch: Record<string, unknown>,
    now: number,
  ): Promise<ConnectionRecord> {
    return this.#run('update', async (op) => {
      const record = await updateData(op, connectionId, patch, now, this.limits.maxDataBytes);
      this.#expiry.remember(connectionId, record.expiresAt);
      return record;
    });
  }

  protected _touch(connectionId: string, expiresAt: number, now: number): Promise<void> {
    return this.#run('touch', async (op) => {
      await untilSettled(this.#retry, `touch of ${JSON.stringify(connectionId)}`, async () => {
        const { record, rev } = await this.#requireLive(op, connectionId, now);
        const failed = await applyChannelChange(op, {
          connectionId,
          connection: reviseConnection(
            this.#layout,
            connectionId,
            { rev, expiresAt: record.expiresAt },
            { newExpiry: expiresAt },
          ),
          deletes: [],
          puts: record.channels,
          expiresAt,
        });
        return failed === undefined ? undefined : CONFLICT;
      });
      this.#expiry.remember(connectionId, expiresAt);
    });
  }

  protected _queryMembers(channel: string, args: QueryMembersArgs): Promise<MembersPage> {
    return this.#run('members', (op) =>
      isSliceCursor(args.cursor)
        ? querySlice(op, this.#consistentMembers, channel, args.cursor, args)
        : queryMembers(op, this.#consistentMembers, channel, args),
    );
  }

  protected override async _memberSlices(channel: string, count: number): Promise<string[]> {
    return planSlices(channel, this.#layout.shardsOf(channel), count);
  }

  /** {@inheritDoc @wsapp/core!BaseConnectionStore._appendHistory} */
  protected override _appendHistory(
    channel: string,
    entry: HistoryAppend,
    retention: HistoryRetention,
    now: number,
  ): Promise<number> {
    return this.#run('appendHistory', (op) => appendHistoryItem(op, channel, entry, retention, now));
  }

  /** {@inheritDoc @wsapp/core!BaseConnectionStore._retractHistory} */
  protected override _retractHistory(
    channel: string,
    seq: number,
    messageId: string,
    now: number,
  ): Promise<boolean> {
    return this.#run('retractHistory', (op) => retractHistoryItem(op, channel, seq, messageId, now));
  }

  /** {@inheritDoc @wsapp/core!BaseConnectionStore._readHistory} */
  protected override _readHistory(
    channel: string,
    since: number,
    limit: number,
    now: number,
    payloads: boolean,
  ): Promise<HistoryPage> {
    return this.#run('readHistory', (op) => readHistoryItems(op, channel, since, limit, now, payloads));
  }

  /** {@inheritDoc @wsapp/core!BaseConnectionStore._claimSession} */
  protected override _claimSession(
    sessionId: string,
    from: string,
    to: string,
    expiresAt: number,
    now: number,
  ): Promise<SessionClaim | undefined> {
    return this.#run('claimSession', (op) => this.#sessions.claim(op, sessionId, from, to, expiresAt, now));
  }

  /** {@inheritDoc @wsapp/core!BaseConnectionStore._markSession} */
  protected override _markSession(
    sessionId: string,
    holder: string,
    add: Array<[string, number]>,
    remove: string[],
    expiresAt: number,
    now: number,
  ): Promise<boolean> {
    return this.#run('markSession', (op) =>
      this.#sessions.mark(op, sessionId, holder, add, remove, expiresAt, now),
    );
  }

  /** {@inheritDoc @wsapp/core!BaseConnectionStore._closeSession} */
  protected override _closeSession(
    sessionId: string,
    holder: string,
    channels: string[],
    expiresAt: number,
    now: number,
  ): Promise<boolean> {
    return this.#run('closeSession', (op) =>
      this.#sessions.close(op, sessionId, holder, channels, expiresAt, now),
    );
  }

  /** {@inheritDoc @wsapp/core!BaseConnectionStore._readSession} */
  protected override async _readSession(sessionId: string): Promise<SessionRecord | undefined> {
    return (await this.#run('readSession', (op) => this.#sessions.read(op, sessionId)))?.record;
  }

  #run<T>(name: string, work: (op: Operation) => Promise<T>): Promise<T> {
    const base = { name, client: this.client, layout: this.#layout, retry: this.#retry };
    return withDeadline(base, this.operationTimeoutMs, work);
  }

  async #read(op: Operation, connectionId: string): Promise<StoredConnection | undefined> {
    const stored = await readConnection(op, connectionId);
    if (stored !== undefined) this.#expiry.remember(connectionId, stored.record.expiresAt);
    return stored;
  }

  async #requireLive(op: Operation, connectionId: string, now: number): Promise<StoredConnection> {
    const stored = await this.#read(op, connectionId);
    if (stored === undefined || stored.record.expiresAt <= now) throw this.#notFound(connectionId);
    return stored;
  }

  #decodeFailure(failed: ConditionFailure[]): StoredConnection | undefined {
    return decodeConnection(this.#layout.keys, failed.find((f) => f.index === 0)?.item);
  }

  #notFound(connectionId: string): ConnectionNotFoundError {
    this.#expiry.forget(connectionId);
    return new ConnectionNotFoundError(connectionId);
  }
}
