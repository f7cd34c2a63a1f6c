import { randomInt } from 'node:crypto';
import {
  type AttributeValue,
  DynamoDBClient,
  type DynamoDBClientConfig,
  GetItemCommand,
  type TransactWriteItem,
  UpdateItemCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import {
  BaseConnectionStore,
  type BaseConnectionStoreOptions,
  ConnectionNotFoundError,
  type ConnectionRecord,
  type MembersPage,
  type QueryMembersArgs,
  StoreUnavailableError,
} from '@wsapp/core';
import { type ResolvedRetry, type RetryOptions, resolveRetry } from './backoff.js';
import { batchWrite } from './batch.js';
import { type ChannelShards, shardResolver } from './channel-shards.js';
import {
  ATTR,
  connectionKey,
  decodeConnection,
  encodeConnection,
  type KeyAttributes,
  type StoredConnection,
} from './connection-item.js';
import { dataPatchExpressions } from './data-patch.js';
import { errorName, storeError } from './errors.js';
import { membershipPartitionKey, shardOf } from './key-layout.js';
import { queryMembers } from './members-query.js';
import { isSliceCursor, planSlices, querySlice } from './slices.js';
import { MAX_TRANSACTION_ITEMS, writeAtomically } from './transact.js';

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
  /** Retry of transaction conflicts and unprocessed batch items (the SDK retries throttling itself). */
  retry?: RetryOptions;
}

/** Items a transaction may hold besides the connection item. */
const MEMBERSHIPS_PER_TRANSACTION = MAX_TRANSACTION_ITEMS - 1;
/** Connection expiries remembered, so `join` can write membership expiries in one request. */
const EXPIRY_CACHE_SIZE = 10_000;

/**
 * A {@link @wsapp/core!ConnectionStore | ConnectionStore} on one DynamoDB table, like Powertools' `DynamoDBPersistenceLayer`:
 * a connection item (`c#<id>` / `c`) holding the record and its channel set, and one membership
 * item per channel and connection (`ch#<channel>` or `sh#<shard>#<channel>` / `<id>`), so a
 * broadcast is a Query on the channel's partition, never a Scan. Every item carries the TTL
 * attribute and reads skip expired items, since DynamoDB deletes them only hours later.
 *
 * Writes that touch the connection and its memberships are one TransactWriteItems call (up to
 * 99 memberships); beyond that the connection item stays authoritative: memberships are deleted
 * before it changes and written after it, so every live membership is listed by its connection.
 */
export class DynamoDBConnectionStore extends BaseConnectionStore {
  /** The table this store writes. */
  readonly tableName: string;
  readonly #keys: KeyAttributes;
  readonly #shards: (channel: string) => number;
  readonly #retry: ResolvedRetry;
  readonly #consistentMembers: boolean;
  readonly #clientConfig: DynamoDBClientConfig | undefined;
  readonly #ownsClient: boolean;
  #client: DynamoDBClient | undefined;
  /** connectionId → expiresAt last seen; only a hint, every write checks it with a condition. */
  readonly #expiry = new Map<string, number>();

  constructor(options: DynamoDBConnectionStoreOptions) {
    super(options);
    if (typeof options.tableName !== 'string' || options.tableName.length === 0) {
      throw new TypeError('tableName is required');
    }
    this.tableName = options.tableName;
    this.#keys = {
      pk: options.keyAttr ?? 'pk',
      sk: options.sortKeyAttr ?? 'sk',
      ttl: options.ttlAttr ?? 'expiresAt',
    };
    this.#shards = shardResolver(options.channelShards);
    this.#retry = resolveRetry(options.retry);
    this.#consistentMembers = options.consistentMembers ?? false;
    this.#client = options.client;
    this.#clientConfig = options.clientConfig;
    this.#ownsClient = options.client === undefined;
  }

  /** The DynamoDB client: the one given, or one created from `clientConfig` on first use. */
  get client(): DynamoDBClient {
    this.#client ??= new DynamoDBClient(this.#clientConfig ?? {});
    return this.#client;
  }

  /** Closes the client if this store created it (a client passed in is left to its owner). */
  close(): void {
    if (this.#ownsClient) this.#client?.destroy();
    this.#client = undefined;
  }

  /** Number of partition keys (shards) holding `channel`'s memberships. */
  shardsOf(channel: string): number {
    return this.#shards(channel);
  }

  /** Partition keys holding `channel`'s memberships, shard 0 first (for tooling and tests). */
  channelPartitionKeys(channel: string): string[] {
    const shards = this.#shards(channel);
    return Array.from({ length: shards }, (_, shard) => membershipPartitionKey(channel, shard, shards));
  }

  protected async _put(record: ConnectionRecord): Promise<void> {
    const { connectionId } = record;
    const now = Math.floor(record.connectedAt / 1000);
    // What the write expects to replace: nothing live (the usual case), or a live record at `rev`.
    let previous: StoredConnection | undefined;
    for (let attempt = 1; attempt <= this.#retry.maxAttempts; attempt++) {
      const wanted = new Set(record.channels);
      const stale = previous?.record.channels.filter((c) => !wanted.has(c)) ?? [];
      const rev = previous === undefined ? randomInt(2 ** 40) : previous.rev + 1;
      const put: TransactWriteItem = {
        Put: {
          TableName: this.tableName,
          Item: encodeConnection(this.#keys, record, rev),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...(previous === undefined
            ? {
                ConditionExpression: 'attribute_not_exists(#pk) OR #ttl <= :now',
                ExpressionAttributeNames: { '#pk': this.#keys.pk, '#ttl': this.#keys.ttl },
                ExpressionAttributeValues: { ':now': num(now) },
              }
            : {
                ConditionExpression: '#rev = :rev AND #ttl > :now',
                ExpressionAttributeNames: { '#rev': ATTR.rev, '#ttl': this.#keys.ttl },
                ExpressionAttributeValues: { ':rev': num(previous.rev), ':now': num(now) },
              }),
        },
      };
      const [txDeletes, earlyDeletes] = split(stale, MEMBERSHIPS_PER_TRANSACTION);
      const [txPuts, latePuts] = split(record.channels, MEMBERSHIPS_PER_TRANSACTION - txDeletes.length);
      await this.#batch(
        earlyDeletes.map((c) => ({ DeleteRequest: { Key: this.#memberKey(c, connectionId) } })),
      );
      const failed = await writeAtomically(
        this.client,
        [
          put,
          ...txDeletes.map((c) => this.#deleteMember(c, connectionId)),
          ...txPuts.map((c) => this.#putMember(c, connectionId, record.expiresAt)),
        ],
        this.#retry,
        'register',
      );
      if (failed === undefined) {
        await this.#batch(
          latePuts.map((c) => ({
            PutRequest: { Item: this.#memberItem(c, connectionId, record.expiresAt) },
          })),
        );
        this.#remember(connectionId, record.expiresAt);
        return;
      }
      const old = decodeConnection(this.#keys, failed.find((f) => f.index === 0)?.item);
      previous = old !== undefined && old.record.expiresAt > now ? old : undefined;
    }
    throw this.#contended('register', connectionId);
  }

  protected async _get(connectionId: string, now: number): Promise<ConnectionRecord | undefined> {
    const stored = await this.#read(connectionId);
    if (stored === undefined || stored.record.expiresAt <= now) return undefined;
    return stored.record;
  }

  protected async _delete(connectionId: string, now: number): Promise<ConnectionRecord | undefined> {
    for (let attempt = 1; attempt <= this.#retry.maxAttempts; attempt++) {
      const stored = await this.#read(connectionId);
      if (stored === undefined) return undefined;
      const [txDeletes, earlyDeletes] = split(stored.record.channels, MEMBERSHIPS_PER_TRANSACTION);
      // Memberships go first: until the connection item is deleted it still lists every one.
      await this.#batch(
        earlyDeletes.map((c) => ({ DeleteRequest: { Key: this.#memberKey(c, connectionId) } })),
      );
      const failed = await writeAtomically(
        this.client,
        [
          {
            Delete: {
              TableName: this.tableName,
              Key: connectionKey(this.#keys, connectionId),
              ConditionExpression: '#rev = :rev',
              ExpressionAttributeNames: { '#rev': ATTR.rev },
              ExpressionAttributeValues: { ':rev': num(stored.rev) },
            },
          },
          ...txDeletes.map((c) => this.#deleteMember(c, connectionId)),
        ],
        this.#retry,
        'unregister',
      );
      if (failed === undefined) {
        this.#expiry.delete(connectionId);
        return stored.record.expiresAt > now ? stored.record : undefined;
      }
    }
    throw this.#contended('unregister', connectionId);
  }

  protected async _addMemberships(connectionId: string, channels: string[], now: number): Promise<void> {
    let expiresAt = this.#recalled(connectionId, now);
    for (let attempt = 1; attempt <= this.#retry.maxAttempts; attempt++) {
      if (expiresAt === undefined) expiresAt = (await this.#requireLive(connectionId, now)).record.expiresAt;
      const [txPuts, latePuts] = split(channels, MEMBERSHIPS_PER_TRANSACTION);
      // The expiry condition makes the memberships' expiry exactly the connection's, even when a
      // `touch` races with this join (it changes the expiry, so this write retries with the new one).
      const failed = await writeAtomically(
        this.client,
        [
          {
            Update: {
              TableName: this.tableName,
              Key: connectionKey(this.#keys, connectionId),
              UpdateExpression: 'ADD #ch :ch, #rev :one',
              ConditionExpression: '#ttl = :exp AND #ttl > :now',
              ExpressionAttributeNames: { '#ch': ATTR.channels, '#rev': ATTR.rev, '#ttl': this.#keys.ttl },
              ExpressionAttributeValues: {
                ':ch': { SS: channels },
                ':one': num(1),
                ':exp': num(expiresAt),
                ':now': num(now),
              },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          ...txPuts.map((c) => this.#putMember(c, connectionId, expiresAt as number)),
        ],
        this.#retry,
        'join',
      );
      if (failed === undefined) {
        await this.#batch(
          latePuts.map((c) => ({
            PutRequest: { Item: this.#memberItem(c, connectionId, expiresAt as number) },
          })),
        );
        this.#remember(connectionId, expiresAt);
        return;
      }
      const current = decodeConnection(this.#keys, failed.find((f) => f.index === 0)?.item);
      if (current === undefined || current.record.expiresAt <= now) throw this.#notFound(connectionId);
      expiresAt = current.record.expiresAt;
    }
    throw this.#contended('join', connectionId);
  }

  protected async _removeMemberships(connectionId: string, channels: string[], now: number): Promise<void> {
    const [txDeletes, earlyDeletes] = split(channels, MEMBERSHIPS_PER_TRANSACTION);
    await this.#batch(
      earlyDeletes.map((c) => ({ DeleteRequest: { Key: this.#memberKey(c, connectionId) } })),
    );
    const failed = await writeAtomically(
      this.client,
      [
        {
          Update: {
            TableName: this.tableName,
            Key: connectionKey(this.#keys, connectionId),
            UpdateExpression: 'DELETE #ch :ch ADD #rev :one',
            ConditionExpression: 'attribute_exists(#pk) AND #ttl > :now',
            ExpressionAttributeNames: {
              '#ch': ATTR.channels,
              '#rev': ATTR.rev,
              '#pk': this.#keys.pk,
              '#ttl': this.#keys.ttl,
            },
            ExpressionAttributeValues: { ':ch': { SS: channels }, ':one': num(1), ':now': num(now) },
          },
        },
        ...txDeletes.map((c) => this.#deleteMember(c, connectionId)),
      ],
      this.#retry,
      'leave',
    );
    if (failed !== undefined) throw this.#notFound(connectionId);
  }

  /** Replaces the channel set in one transaction (up to 99 changed memberships), checked against concurrent changes. */
  protected override async _setChannels(connectionId: string, wanted: string[], now: number): Promise<void> {
    for (let attempt = 1; attempt <= this.#retry.maxAttempts; attempt++) {
      const stored = await this.#requireLive(connectionId, now);
      const had = new Set(stored.record.channels);
      const wantedSet = new Set(wanted);
      const added = wanted.filter((c) => !had.has(c));
      const stale = stored.record.channels.filter((c) => !wantedSet.has(c));
      if (added.length === 0 && stale.length === 0) return;
      const [txDeletes, earlyDeletes] = split(stale, MEMBERSHIPS_PER_TRANSACTION);
      const [txPuts, latePuts] = split(added, MEMBERSHIPS_PER_TRANSACTION - txDeletes.length);
      await this.#batch(
        earlyDeletes.map((c) => ({ DeleteRequest: { Key: this.#memberKey(c, connectionId) } })),
      );
      const values: Record<string, AttributeValue> = {
        ':rev': num(stored.rev),
        ':one': num(1),
        ':now': num(now),
      };
      if (wanted.length > 0) values[':ch'] = { SS: wanted };
      const expiresAt = stored.record.expiresAt;
      const failed = await writeAtomically(
        this.client,
        [
          {
            Update: {
              TableName: this.tableName,
              Key: connectionKey(this.#keys, connectionId),
              UpdateExpression:
                wanted.length > 0 ? 'SET #ch = :ch ADD #rev :one' : 'REMOVE #ch ADD #rev :one',
              ConditionExpression: '#rev = :rev AND #ttl > :now',
              ExpressionAttributeNames: { '#ch': ATTR.channels, '#rev': ATTR.rev, '#ttl': this.#keys.ttl },
              ExpressionAttributeValues: values,
            },
          },
          ...txDeletes.map((c) => this.#deleteMember(c, connectionId)),
          ...txPuts.map((c) => this.#putMember(c, connectionId, expiresAt)),
        ],
        this.#retry,
        'setChannels',
      );
      if (failed === undefined) {
        await this.#batch(
          latePuts.map((c) => ({ PutRequest: { Item: this.#memberItem(c, connectionId, expiresAt) } })),
        );
        return;
      }
    }
    throw this.#contended('setChannels', connectionId);
  }

  protected async _update(
    connectionId: string,
    patch: Record<string, unknown>,
    now: number,
  ): Promise<ConnectionRecord> {
    const condition = { '#pk': this.#keys.pk, '#ttl': this.#keys.ttl };
    let attributes: Record<string, AttributeValue> | undefined;
    for (const expression of dataPatchExpressions(patch, condition, { ':now': num(now) })) {
      try {
        const output = await this.client.send(
          new UpdateItemCommand({
            TableName: this.tableName,
            Key: connectionKey(this.#keys, connectionId),
            ConditionExpression: 'attribute_exists(#pk) AND #ttl > :now',
            ReturnValues: 'ALL_NEW',
            ...expression,
          }),
        );
        attributes = output.Attributes;
      } catch (error) {
        if (errorName(error) === 'ConditionalCheckFailedException') throw this.#notFound(connectionId);
        throw storeError('update', error);
      }
    }
    const stored = decodeConnection(this.#keys, attributes);
    if (stored === undefined) throw new StoreUnavailableError('DynamoDB update answered no item');
    this.#remember(connectionId, stored.record.expiresAt);
    return stored.record;
  }

  protected async _touch(connectionId: string, expiresAt: number, now: number): Promise<void> {
    for (let attempt = 1; attempt <= this.#retry.maxAttempts; attempt++) {
      const stored = await this.#requireLive(connectionId, now);
      const [txPuts, latePuts] = split(stored.record.channels, MEMBERSHIPS_PER_TRANSACTION);
      const failed = await writeAtomically(
        this.client,
        [
          {
            Update: {
              TableName: this.tableName,
              Key: connectionKey(this.#keys, connectionId),
              UpdateExpression: 'SET #ttl = :exp',
              ConditionExpression: '#rev = :rev AND #ttl > :now',
              ExpressionAttributeNames: { '#rev': ATTR.rev, '#ttl': this.#keys.ttl },
              ExpressionAttributeValues: {
                ':exp': num(expiresAt),
                ':rev': num(stored.rev),
                ':now': num(now),
              },
            },
          },
          ...txPuts.map((c) => this.#putMember(c, connectionId, expiresAt)),
        ],
        this.#retry,
        'touch',
      );
      if (failed === undefined) {
        await this.#extendExisting(latePuts, connectionId, expiresAt);
        this.#remember(connectionId, expiresAt);
        return;
      }
    }
    throw this.#contended('touch', connectionId);
  }

  protected async _queryMembers(channel: string, args: QueryMembersArgs): Promise<MembersPage> {
    const target = {
      client: this.client,
      tableName: this.tableName,
      keys: this.#keys,
      consistentRead: this.#consistentMembers,
    };
    if (isSliceCursor(args.cursor))
      return querySlice(target, channel, this.#shards(channel), args.cursor, args);
    return queryMembers(target, channel, this.#shards(channel), args);
  }

  protected override async _memberSlices(channel: string, count: number): Promise<string[]> {
    return planSlices(channel, this.#shards(channel), count);
  }

  /** Puts with a condition that the membership exists, so a concurrent `leave` is not undone. */
  async #extendExisting(channels: string[], connectionId: string, expiresAt: number): Promise<void> {
    for (let i = 0; i < channels.length; i += MAX_TRANSACTION_ITEMS) {
      let chunk = channels.slice(i, i + MAX_TRANSACTION_ITEMS);
      while (chunk.length > 0) {
        const failed = await writeAtomically(
          this.client,
          chunk.map((c) => {
            const write = this.#putMember(c, connectionId, expiresAt);
            if (write.Put) {
              write.Put.ConditionExpression = 'attribute_exists(#pk)';
              write.Put.ExpressionAttributeNames = { '#pk': this.#keys.pk };
            }
            return write;
          }),
          this.#retry,
          'touch',
        );
        if (failed === undefined) break;
        const gone = new Set(failed.map((f) => f.index));
        chunk = chunk.filter((_, n) => !gone.has(n));
      }
    }
  }

  async #read(connectionId: string): Promise<StoredConnection | undefined> {
    try {
      const output = await this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: connectionKey(this.#keys, connectionId),
          ConsistentRead: true,
        }),
      );
      const stored = decodeConnection(this.#keys, output.Item);
      if (stored !== undefined) this.#remember(connectionId, stored.record.expiresAt);
      return stored;
    } catch (error) {
      throw storeError('GetItem', error);
    }
  }

  async #requireLive(connectionId: string, now: number): Promise<StoredConnection> {
    const stored = await this.#read(connectionId);
    if (stored === undefined || stored.record.expiresAt <= now) throw this.#notFound(connectionId);
    return stored;
  }

  #batch(requests: WriteRequest[]): Promise<void> {
    return batchWrite(this.client, this.tableName, requests, this.#retry);
  }

  #memberKey(channel: string, connectionId: string): Record<string, AttributeValue> {
    const shards = this.#shards(channel);
    return {
      [this.#keys.pk]: { S: membershipPartitionKey(channel, shardOf(connectionId, shards), shards) },
      [this.#keys.sk]: { S: connectionId },
    };
  }

  #memberItem(channel: string, connectionId: string, expiresAt: number): Record<string, AttributeValue> {
    return { ...this.#memberKey(channel, connectionId), [this.#keys.ttl]: num(expiresAt) };
  }

  #putMember(channel: string, connectionId: string, expiresAt: number): TransactWriteItem {
    return { Put: { TableName: this.tableName, Item: this.#memberItem(channel, connectionId, expiresAt) } };
  }

  #deleteMember(channel: string, connectionId: string): TransactWriteItem {
    return { Delete: { TableName: this.tableName, Key: this.#memberKey(channel, connectionId) } };
  }

  #remember(connectionId: string, expiresAt: number): void {
    this.#expiry.delete(connectionId);
    this.#expiry.set(connectionId, expiresAt);
    if (this.#expiry.size > EXPIRY_CACHE_SIZE) {
      const oldest = this.#expiry.keys().next().value;
      if (oldest !== undefined) this.#expiry.delete(oldest);
    }
  }

  #recalled(connectionId: string, now: number): number | undefined {
    const expiresAt = this.#expiry.get(connectionId);
    return expiresAt !== undefined && expiresAt > now ? expiresAt : undefined;
  }

  #notFound(connectionId: string): ConnectionNotFoundError {
    this.#expiry.delete(connectionId);
    return new ConnectionNotFoundError(connectionId);
  }

  #contended(operation: string, connectionId: string): StoreUnavailableError {
    return new StoreUnavailableError(
      `DynamoDB ${operation} of ${JSON.stringify(connectionId)} kept conflicting with concurrent changes`,
    );
  }
}

function num(value: number): AttributeValue {
  return { N: String(value) };
}

/** Splits `list` into its first `n` items and the rest. */
function split<T>(list: readonly T[], n: number): [T[], T[]] {
  const head = Math.max(0, n);
  return [list.slice(0, head), list.slice(head)];
}
