import {
  BaseConnectionStore,
  ConnectionNotFoundError,
  type ConnectionRecord,
  type HistoryAppend,
  type HistoryPage,
  type HistoryRetention,
  type Logger,
  type MembersPage,
  type QueryMembersArgs,
  type SessionClaim,
  type SessionRecord,
  type UnregisterStaleResult,
} from '@wsapp/core';
import { withConnectionLock } from './connection-lock.js';
import { decodeCursor, decodeSlice, encodeCursor, encodeSlice, isSliceCursor } from './cursor.js';
import { guarded } from './errors.js';
import { evictionCheckOnce } from './eviction-policy.js';
import { type HistoryKeys, RedisHistoryLog } from './history-log.js';
import { KeyLayout } from './key-layout.js';
import { liveMembers } from './live-members.js';
import { decodeRecord, encodePatch, encodeRecord } from './record-codec.js';
import {
  DEFAULT_PREFIX,
  DEFAULT_SLACK_SECONDS,
  DEFAULT_TIMEOUT_MS,
  positiveInteger,
  type RedisClient,
  type RedisConnectionStoreOptions,
  storeClient,
} from './redis-store-options.js';
import { assertJoined, counted, toStrings } from './script-args.js';
import { ScriptDialect } from './script-dialect.js';
import { ScriptRunner } from './script-runner.js';
import { RedisSessions, type SessionKeys } from './sessions.js';
import { planSlices, querySlice } from './slices.js';
import { deleteStale } from './stale-removal.js';
import { STALE_SCRIPTS } from './stale-scripts.js';

/**
 * A {@link @wsapp/core!ConnectionStore | ConnectionStore} in Redis (ioredis), standalone or Cluster.
 *
 * Standalone: every operation is one Lua script, so one round trip and atomic. Cluster: a
 * connection's keys share one slot and each channel's keys another, so an operation runs one
 * script per slot it touches (channel scripts in parallel), ordered so that a crash in between
 * never shows a wrong member; `members()` also checks each member against its connection.
 *
 * @example
 * ```ts
 * const store = new RedisConnectionStore({ url: process.env.REDIS_URL! });
 * const clusterStore = new RedisConnectionStore({ client: new Cluster([{ host, port }]) });
 * ```
 */
export class RedisConnectionStore extends BaseConnectionStore {
  /** The ioredis client in use. */
  readonly client: RedisClient;
  /** The key layout (prefix and key names), e.g. to inspect what the store wrote. */
  readonly keys: KeyLayout;
  /** Seconds added to `expiresAt` for Redis `EXPIREAT`. */
  readonly expirySlackSeconds: number;
  /** Bound on one store operation, milliseconds. */
  readonly commandTimeoutMs: number;
  readonly #ownsClient: boolean;
  readonly #cluster: boolean;
  readonly #scripts: ScriptRunner;
  readonly #history: RedisHistoryLog;
  readonly #staleScripts: ScriptRunner<keyof typeof STALE_SCRIPTS>;
  readonly #sessions: RedisSessions;
  /** Prefix the Lua scripts use to derive channel keys: the client's own `keyPrefix` + ours. */
  readonly #luaPrefix: string;
  /** The first operation's `maxmemory-policy` check; kept once it reached a verdict. */
  readonly #checkedEviction: () => Promise<void>;

  constructor(options: RedisConnectionStoreOptions) {
    super(options);
    this.commandTimeoutMs = positiveInteger(
      'commandTimeoutMs',
      options.commandTimeoutMs ?? DEFAULT_TIMEOUT_MS,
      1,
    );
    this.expirySlackSeconds = positiveInteger(
      'expirySlackSeconds',
      options.expirySlackSeconds ?? DEFAULT_SLACK_SECONDS,
      0,
    );
    this.keys = new KeyLayout(options.keyPrefix ?? DEFAULT_PREFIX);
    const { client, owned, clientPrefix } = storeClient(options, this.commandTimeoutMs);
    this.client = client;
    this.#ownsClient = owned;
    this.#cluster = client.isCluster;
    this.#luaPrefix = clientPrefix + this.keys.prefix;
    const dialect = new ScriptDialect(options.scriptFlags);
    this.#scripts = new ScriptRunner(this.client, undefined, dialect);
    this.#history = new RedisHistoryLog(this.client, this.keys.prefix, this.expirySlackSeconds, dialect);
    this.#staleScripts = new ScriptRunner(this.client, STALE_SCRIPTS, dialect);
    this.#sessions = new RedisSessions(this.client, this.keys.prefix, this.expirySlackSeconds, dialect);
    const logger: Pick<Logger, 'warn'> = options.logger ?? console;
    this.#checkedEviction = evictionCheckOnce(this.client, options.allowEviction ?? false, (m) =>
      logger.warn(m),
    );
  }

  /** Whether the client is a Redis Cluster client. */
  get isCluster(): boolean {
    return this.#cluster;
  }

  /**
   * Loads the store's Lua scripts on every server now (every master of a Cluster), e.g. during
   * Lambda initialisation. Optional: without it, the first call of each script on each server
   * costs one extra round trip (EVALSHA answered NOSCRIPT, then EVAL).
   */
  loadScripts(): Promise<void> {
    return this.#guard('script load', async () => {
      await Promise.all([
        this.#scripts.loadAll(),
        this.#history.loadScripts(),
        this.#staleScripts.loadAll(),
        this.#sessions.loadScripts(),
      ]);
    });
  }

  /** The keys of a channel's history (a stream and its head hash; see the README), e.g. to inspect them. */
  historyKeys(channel: string): HistoryKeys {
    return this.#history.keys(channel);
  }

  /** {@inheritDoc @wsapp/core!BaseConnectionStore._appendHistory} */
  protected override _appendHistory(ch: string, entry: HistoryAppend, keep: HistoryRetention, now: number) {
    return this.#guard('appendHistory', () => this.#history.append(ch, entry, keep, now));
  }

  /** {@inheritDoc @wsapp/core!BaseConnectionStore._retractHistory} */
  protected override _retractHistory(ch: string, seq: number, messageId: string, now: number) {
    return this.#guard('retractHistory', () => this.#history.retract(ch, seq, messageId, now));
  }

  /** {@inheritDoc @wsapp/core!BaseConnectionStore._readHistory} */
  protected override _readHistory(
    ch: string,
    since: number,
    limit: number,
    now: number,
    payloads: boolean,
  ): Promise<HistoryPage> {
    return this.#guard('readHistory', () => this.#history.read(ch, since, limit, now, payloads));
  }

  /** The keys of a session (a head hash and a channel hash; see the README), e.g. to inspect them. */
  sessionKeys(sessionId: string): SessionKeys {
    return this.#sessions.keys(sessionId);
  }

  /** {@inheritDoc @wsapp/core!BaseConnectionStore._claimSession} */
  protected override _claimSession(
    sessionId: string,
    from: string,
    to: string,
    expiresAt: number,
    now: number,
  ): Promise<SessionClaim | undefined> {
    return this.#guard('claimSession', () => this.#sessions.claim(sessionId, from, to, expiresAt, now));
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
    const max = this.limits.maxChannelsPerConnection;
    return this.#guard('markSession', () =>
      this.#sessions.mark(sessionId, holder, add, remove, expiresAt, now, max),
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
    return this.#guard('closeSession', () =>
      this.#sessions.close(sessionId, holder, channels, expiresAt, now),
    );
  }

  /** {@inheritDoc @wsapp/core!BaseConnectionStore._readSession} */
  protected override _readSession(sessionId: string, now: number): Promise<SessionRecord | undefined> {
    return this.#guard('readSession', () => this.#sessions.read(sessionId, now));
  }

  /** Closes the client if the store created it from `url`; a client you passed is left open. */
  async close(): Promise<void> {
    if (!this.#ownsClient) return;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  protected _put(record: ConnectionRecord): Promise<void> {
    return this.#guard('register', async () => {
      const id = record.connectionId;
      const conn = this.keys.connection(id);
      const fields = encodeRecord(record);
      const now = Math.floor(record.connectedAt / 1000);
      const exp = record.expiresAt;
      const slack = this.expirySlackSeconds;
      if (!this.#cluster) {
        const keys = [conn.record, conn.channels, ...this.keys.channelKeyList(record.channels)];
        const args = [this.#luaPrefix, id, now, exp, slack, ...counted(fields), ...counted(record.channels)];
        await this.#scripts.run('putAll', keys, args);
        return;
      }
      // One wave: the connection and every new membership in parallel (members() shows a
      // membership only once its connection is live and lists the channel, so order is free);
      // a second wave only to drop memberships of a previous registration of the same id.
      const wave = await Promise.allSettled([
        this.#scripts.run(
          'connPut',
          [conn.record, conn.channels],
          [exp, slack, ...counted(fields), ...counted(record.channels)],
        ),
        ...record.channels.map((ch) => this.#chan('chanAdd', ch, [id, exp, slack, now])),
      ]);
      const refused = wave.find((r) => r.status === 'rejected');
      if (refused !== undefined) {
        // A slot refused its part (out of memory, down): remove what the others wrote, so a failed
        // register leaves nothing behind (removals run under OOM too); the id ends unregistered.
        await this.#undoRegister(id, record.channels, wave);
        throw refused.reason;
      }
      const previous = (wave[0] as PromiseFulfilledResult<unknown>).value;
      const keep = new Set(record.channels);
      const stale = toStrings(previous).filter((ch) => !keep.has(ch));
      await Promise.all(stale.map((ch) => this.#chan('chanRemove', ch, [id, slack])));
    });
  }

  protected _get(connectionId: string, now: number): Promise<ConnectionRecord | undefined> {
    return this.#guard('get', async () => {
      const conn = this.keys.connection(connectionId);
      return decodeRecord(await this.#scripts.run('connGet', [conn.record, conn.channels], [now]));
    });
  }

  protected _delete(connectionId: string, now: number): Promise<ConnectionRecord | undefined> {
    return this.#guard('unregister', async () => {
      const conn = this.keys.connection(connectionId);
      const slack = this.expirySlackSeconds;
      let record: ConnectionRecord | undefined;
      if (!this.#cluster) {
        record = decodeRecord(
          await this.#scripts.run(
            'deleteAll',
            [conn.record, conn.channels],
            [this.#luaPrefix, connectionId, slack],
          ),
        );
      } else {
        // Connection first: members() verifies each member against its connection, so the
        // memberships left for a moment (or after a crash, until they expire) are never returned.
        record = decodeRecord(await this.#scripts.run('connDelete', [conn.record, conn.channels], []));
        if (record !== undefined) {
          await Promise.all(record.channels.map((ch) => this.#chan('chanRemove', ch, [connectionId, slack])));
        }
      }
      return record !== undefined && record.expiresAt > now ? record : undefined;
    });
  }

  /** `_deleteStale` on Redis: one script decides and removes (see `stale-removal.ts`). */
  protected override _deleteStale(
    connectionId: string,
    connectedBefore: number,
    nowMs: number,
  ): Promise<UnregisterStaleResult> {
    return this.#guard('unregisterStale', () =>
      deleteStale(
        {
          scripts: this.#staleScripts,
          keys: this.keys,
          luaPrefix: this.#luaPrefix,
          slack: this.expirySlackSeconds,
          cluster: this.#cluster,
          removeMembership: (ch, id) => this.#chan('chanRemove', ch, [id, this.expirySlackSeconds]),
        },
        connectionId,
        connectedBefore,
        nowMs,
      ),
    );
  }

  protected _addMemberships(connectionId: string, channels: string[], now: number): Promise<void> {
    return this.#guard('join', () =>
      this.#serial(connectionId, () => this.#join(connectionId, channels, now)),
    );
  }

  async #join(connectionId: string, channels: string[], now: number): Promise<void> {
    const conn = this.keys.connection(connectionId);
    const slack = this.expirySlackSeconds;
    const max = this.limits.maxChannelsPerConnection;
    if (!this.#cluster) {
      const keys = [conn.record, conn.channels, ...this.keys.channelKeyList(channels)];
      const ok = await this.#scripts.run('joinAll', keys, [
        connectionId,
        now,
        slack,
        max,
        ...counted(channels),
      ]);
      assertJoined(connectionId, ok, max);
      return;
    }
    // Connection first (checks it is live and the channel limit, answers its expiry and which
    // channels are new), then the channel indexes.
    const reply = await this.#scripts.run(
      'connJoin',
      [conn.record, conn.channels],
      [now, slack, max, ...counted(channels)],
    );
    assertJoined(connectionId, reply, max);
    const [exp, fresh] = reply as [number, unknown];
    const wave = await Promise.allSettled(
      channels.map((ch) => this.#chan('chanAdd', ch, [connectionId, Number(exp), slack, now])),
    );
    const refused = wave.find((r) => r.status === 'rejected');
    if (refused !== undefined) {
      // A channel slot refused (out of memory, down): take the new channels back out of the index
      // and then the set (the lock is still held), so a failed join joins nothing.
      const added = toStrings(fresh);
      await Promise.allSettled(added.map((ch) => this.#chan('chanRemove', ch, [connectionId, slack])));
      await this.#scripts
        .run('connLeave', [conn.record, conn.channels], [now, ...counted(added)])
        .catch(() => {});
      throw refused.reason;
    }
  }

  /** Cluster: removes what a refused register's wave wrote (its record, its new index entries). */
  async #undoRegister(id: string, channels: string[], wave: PromiseSettledResult<unknown>[]): Promise<void> {
    const conn = this.keys.connection(id);
    const slack = this.expirySlackSeconds;
    await Promise.allSettled([
      ...(wave[0]?.status === 'fulfilled'
        ? [this.#scripts.run('connDelete', [conn.record, conn.channels], [])]
        : []),
      ...channels.flatMap((ch, i) =>
        wave[i + 1]?.status === 'fulfilled' ? [this.#chan('chanRemove', ch, [id, slack])] : [],
      ),
    ]);
  }

  protected _removeMemberships(connectionId: string, channels: string[], now: number): Promise<void> {
    return this.#guard('leave', () =>
      this.#serial(connectionId, () => this.#leave(connectionId, channels, now)),
    );
  }

  async #leave(connectionId: string, channels: string[], now: number): Promise<void> {
    const conn = this.keys.connection(connectionId);
    const slack = this.expirySlackSeconds;
    if (!this.#cluster) {
      const keys = [conn.record, conn.channels, ...this.keys.channelKeyList(channels)];
      const ok = await this.#scripts.run('leaveAll', keys, [connectionId, now, slack, ...counted(channels)]);
      if (ok === null) throw new ConnectionNotFoundError(connectionId);
      return;
    }
    // Channel indexes first, then the connection's set: a racing join can then never end with
    // the connection listing a channel whose index lacks it (see README, crash ordering).
    await Promise.all(channels.map((ch) => this.#chan('chanRemove', ch, [connectionId, slack])));
    const ok = await this.#scripts.run(
      'connLeave',
      [conn.record, conn.channels],
      [now, ...counted(channels)],
    );
    if (ok === null) throw new ConnectionNotFoundError(connectionId);
  }

  /**
   * Standalone: one script makes the set exact (atomic, like every standalone operation). Cluster:
   * the difference from a read (leave the stale channels, then join the new ones), under the
   * connection's lock so that no join or leave of the same connection lands in between.
   */
  protected override _setChannels(connectionId: string, channels: string[], now: number): Promise<void> {
    if (this.#cluster) {
      return this.#guard('setChannels', () =>
        this.#serial(connectionId, async () => {
          const current = await this._get(connectionId, now);
          if (current === undefined || current.expiresAt <= now)
            throw new ConnectionNotFoundError(connectionId);
          const wanted = new Set(channels);
          const had = new Set(current.channels);
          const stale = current.channels.filter((c) => !wanted.has(c));
          const added = channels.filter((c) => !had.has(c));
          // Stale ones first, so the channel limit counts the final set, not old and new together.
          if (stale.length > 0) await this.#leave(connectionId, stale, now);
          if (added.length > 0) await this.#join(connectionId, added, now);
        }),
      );
    }
    return this.#guard('setChannels', async () => {
      const conn = this.keys.connection(connectionId);
      const keys = [conn.record, conn.channels, ...this.keys.channelKeyList(channels)];
      const ok = await this.#scripts.run('setAll', keys, [
        this.#luaPrefix,
        connectionId,
        now,
        this.expirySlackSeconds,
        ...counted(channels),
      ]);
      if (ok === null) throw new ConnectionNotFoundError(connectionId);
    });
  }

  protected _update(
    connectionId: string,
    patch: Record<string, unknown>,
    now: number,
  ): Promise<ConnectionRecord> {
    return this.#guard('update', async () => {
      const conn = this.keys.connection(connectionId);
      const { sets, dels } = encodePatch(patch);
      const reply = await this.#scripts.run(
        'connUpdate',
        [conn.record, conn.channels],
        [now, this.limits.maxDataBytes, ...counted(sets), ...counted(dels)],
      );
      // A number is the merged data's size, over the limit: nothing was written.
      if (typeof reply === 'number') this.assertMergedDataBytes(reply);
      const record = decodeRecord(reply);
      if (record === undefined) throw new ConnectionNotFoundError(connectionId);
      return record;
    });
  }

  protected _touch(connectionId: string, expiresAt: number, now: number): Promise<void> {
    return this.#guard('touch', async () => {
      const conn = this.keys.connection(connectionId);
      const slack = this.expirySlackSeconds;
      if (!this.#cluster) {
        const ok = await this.#scripts.run(
          'touchAll',
          [conn.record, conn.channels],
          [this.#luaPrefix, connectionId, now, expiresAt, slack],
        );
        if (ok === null) throw new ConnectionNotFoundError(connectionId);
        return;
      }
      const channels = await this.#scripts.run(
        'connTouch',
        [conn.record, conn.channels],
        [now, expiresAt, slack],
      );
      if (channels === null) throw new ConnectionNotFoundError(connectionId);
      await Promise.all(
        toStrings(channels).map((ch) => this.#chan('chanTouch', ch, [connectionId, expiresAt, slack])),
      );
    });
  }

  protected async _queryMembers(
    channel: string,
    { limit, cursor, now }: QueryMembersArgs,
  ): Promise<MembersPage> {
    const slice = isSliceCursor(cursor) ? decodeSlice(channel, cursor) : undefined;
    const after = cursor === undefined || slice ? '' : decodeCursor(channel, cursor);
    return this.#guard('members', async () => {
      const keys = this.keys.channel(channel);
      const budget = limit * 4 + 1000;
      let rawIds: unknown;
      let next: unknown;
      if (slice) {
        const page = await querySlice(this.#scripts, keys, slice, limit, now);
        rawIds = page.connectionIds;
        next = page.next && encodeSlice(channel, page.next);
      } else {
        const reply = await this.#scripts.run(
          'members',
          [keys.lex, keys.expiry],
          [now, after, limit, budget],
        );
        [rawIds, next] = reply as [unknown, unknown];
      }
      let connectionIds = toStrings(rawIds);
      if (this.#cluster)
        connectionIds = await liveMembers(this.#scripts, this.keys, connectionIds, channel, now);
      if (slice) return next === undefined ? { connectionIds } : { connectionIds, cursor: String(next) };
      const last = String(next);
      return last === '' ? { connectionIds } : { connectionIds, cursor: encodeCursor(channel, last) };
    });
  }

  protected override async _memberSlices(channel: string, count: number): Promise<string[]> {
    return this.#guard('memberSlices', () =>
      planSlices(this.client, this.#scripts, channel, this.keys.channel(channel), count),
    );
  }

  /** Cluster: join/leave/setChannels span slots, so they hold the connection's lock (+2 round trips). */
  #serial(connectionId: string, work: () => Promise<void>): Promise<void> {
    if (!this.#cluster) return work();
    const lock = this.keys.connection(connectionId).lock;
    return withConnectionLock(this.client, this.#scripts, lock, this.commandTimeoutMs, work);
  }

  #guard<T>(operation: string, work: () => Promise<T>): Promise<T> {
    return guarded(operation, this.commandTimeoutMs, async () => {
      await this.#checkedEviction();
      return work();
    });
  }

  #chan(name: 'chanAdd' | 'chanRemove' | 'chanTouch', channel: string, args: Array<string | number>) {
    const keys = this.keys.channel(channel);
    return this.#scripts.run(name, [keys.lex, keys.expiry], args);
  }
}
