import { randomInt } from 'node:crypto';
import {
  type AttributeValue,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  applySessionClose,
  applySessionMarks,
  type SessionClaim,
  type SessionRecord,
  StoreUnavailableError,
  setOwn,
  TooManyChannelsError,
} from '@wsapp/core';
import { CONFLICT, untilSettled } from './conflicts.js';
import type { KeyAttributes } from './connection-item.js';
import { errorName, storeError } from './errors.js';
import { sessionPartitionKey } from './key-layout.js';
import type { Operation } from './operation.js';
import { num } from './table-layout.js';

/**
 * A session is one item (`ss#<sessionId>` / `s`): `h` holder, `z` closed, `m` map of channel →
 * start, `rev` bumped by every write (the condition that orders read-then-write), and the TTL
 * attribute (`expiresAt`, epoch s). A session of the most channels a connection item holds fits
 * the 400 KB item limit: no data, each channel its name and a number.
 */
export const SESSION_SORT_KEY = 's';

const A = { holder: 'h', closed: 'z', channels: 'm', rev: 'rev' } as const;
const CONDITION_FAILED = 'ConditionalCheckFailedException';
/** Channel paths per `UpdateItem` of a mark (well within the 4 KB expression limit). */
const PATHS_PER_UPDATE = 50;

/** Why a conditional update failed: the session as it was, or absent/expired. */
type Failure = { kind: 'live'; stored: StoredSession } | { kind: 'absent' };

interface StoredSession {
  record: SessionRecord;
  rev: number;
}

function key(keys: KeyAttributes, sessionId: string): Record<string, AttributeValue> {
  return { [keys.pk]: { S: sessionPartitionKey(sessionId) }, [keys.sk]: { S: SESSION_SORT_KEY } };
}

function decode(keys: KeyAttributes, sessionId: string, item: Record<string, AttributeValue> | undefined) {
  const holder = item?.[A.holder]?.S;
  if (item === undefined || holder === undefined) return undefined;
  const pairs = Object.entries(item[A.channels]?.M ?? {}).map(([ch, v]): [string, number] => [
    ch,
    Number(v.N),
  ]);
  const stored: StoredSession = {
    record: {
      sessionId,
      holder,
      channels: Object.fromEntries(pairs),
      closed: item[A.closed]?.BOOL === true,
      expiresAt: Number(item[keys.ttl]?.N ?? 0),
    },
    rev: Number(item[A.rev]?.N ?? 0),
  };
  return stored;
}

function encodeChannels(channels: Record<string, number>): AttributeValue {
  const map: Record<string, AttributeValue> = {};
  for (const [ch, start] of Object.entries(channels)) setOwn(map, ch, num(start));
  return { M: map };
}

/** Runs one request, turning a failed condition into `false` and SDK errors into `StoreUnavailableError`. */
async function conditional(op: Operation, request: () => Promise<unknown>): Promise<boolean> {
  try {
    await request();
    return true;
  } catch (error) {
    if (errorName(error) === CONDITION_FAILED) return false;
    throw storeError(op.name, error);
  }
}

/** Sessions on the table (see {@link SESSION_SORT_KEY}): reads are consistent, writes conditional. */
export class DynamoDBSessions {
  readonly #max: number;

  constructor(maxChannels: number) {
    this.#max = maxChannels;
  }

  /** The session item as stored (expired or not). */
  async read(op: Operation, sessionId: string): Promise<StoredSession | undefined> {
    const { keys, tableName } = op.layout;
    try {
      const out = await op.client.send(
        new GetItemCommand({ TableName: tableName, Key: key(keys, sessionId), ConsistentRead: true }),
        { abortSignal: op.signal },
      );
      return decode(keys, sessionId, out.Item);
    } catch (error) {
      throw storeError(op.name, error);
    }
  }

  /**
   * One `UpdateItem` conditional on the holder (its old value answers the claim); a session that
   * is absent or expired is created by a conditional `PutItem` instead.
   */
  claim(op: Operation, sessionId: string, from: string, to: string, expiresAt: number, now: number) {
    const { keys, tableName } = op.layout;
    return untilSettled(
      op.retry,
      `claimSession of ${sessionId}`,
      async (): Promise<SessionClaim | undefined | typeof CONFLICT> => {
        try {
          const out = await op.client.send(
            new UpdateItemCommand({
              TableName: tableName,
              Key: key(keys, sessionId),
              UpdateExpression: 'SET #h = :to, #z = :no, #ttl = :exp ADD #rev :one',
              ConditionExpression: '#h = :from AND #ttl > :now',
              ExpressionAttributeNames: { '#h': A.holder, '#z': A.closed, '#ttl': keys.ttl, '#rev': A.rev },
              ExpressionAttributeValues: {
                ':to': { S: to },
                ':from': { S: from },
                ':no': { BOOL: false },
                ':exp': num(expiresAt),
                ':now': num(now),
                ':one': num(1),
              },
              ReturnValues: 'ALL_OLD',
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            }),
            { abortSignal: op.signal },
          );
          const old = decode(keys, sessionId, out.Attributes);
          return {
            channels: old?.record.channels ?? {},
            closed: old?.record.closed ?? false,
            created: false,
          };
        } catch (error) {
          if (errorName(error) !== CONDITION_FAILED) throw storeError(op.name, error);
          const old = decode(keys, sessionId, (error as { Item?: Record<string, AttributeValue> }).Item);
          if (old !== undefined && old.record.expiresAt > now) return undefined; // another holder
        }
        const created = await this.#create(
          op,
          sessionId,
          { holder: to, channels: {}, closed: false, expiresAt },
          now,
        );
        return created ? { channels: {}, closed: false, created: true } : CONFLICT;
      },
    );
  }

  /**
   * Conditional map-path updates, no read in the usual case: `REMOVE` of the channels to forget,
   * then `SET` of the new starts, each conditional on the holder, on the channel having no start
   * yet (so marks of different channels never conflict) and on the map's size; a failed
   * condition is read back to tell "another holder", "absent" (then the session is created whole),
   * "already started" (that channel keeps its start) and "too many channels" apart.
   */
  async mark(
    op: Operation,
    sessionId: string,
    holder: string,
    add: Array<[string, number]>,
    remove: string[],
    expiresAt: number,
    now: number,
  ): Promise<boolean> {
    for (let i = 0; i < remove.length; i += PATHS_PER_UPDATE) {
      const paths = remove.slice(i, i + PATHS_PER_UPDATE).map((ch) => ({ remove: ch }));
      const done = await this.#markPaths(op, sessionId, holder, paths, expiresAt, now);
      if (done !== 'written') return this.#markRead(op, sessionId, holder, add, remove, expiresAt, now, done);
    }
    if (add.length === 0 && remove.length > 0) return true;
    let pending = add;
    /** What the last read said of each channel (first try: nothing known). */
    let known: Record<string, number> | undefined;
    for (let attempt = 0; attempt < op.retry.maxAttempts; attempt++) {
      let failed: Failure | undefined;
      for (let i = 0; i === 0 || i < pending.length; i += PATHS_PER_UPDATE) {
        const paths = pending.slice(i, i + PATHS_PER_UPDATE).map((entry) => ({
          set: entry,
          was:
            known === undefined
              ? undefined
              : Object.hasOwn(known, entry[0])
                ? ('unknown' as const)
                : ('absent' as const),
        }));
        const done = await this.#markPaths(op, sessionId, holder, paths, expiresAt, now);
        if (done !== 'written') {
          failed = done;
          pending = pending.slice(i);
          break;
        }
      }
      if (failed === undefined) return true;
      if (failed.kind !== 'live')
        return this.#markRead(op, sessionId, holder, pending, [], expiresAt, now, failed);
      const current = failed.stored.record.channels;
      if (failed.stored.record.holder !== holder) return false;
      if (Object.keys(applySessionMarks(current, pending, [])).length > this.#max) {
        throw new TooManyChannelsError(sessionId, this.#max);
      }
      // Channels that got a start meanwhile keep it; the rest is tried again, as they are now.
      pending = pending.filter(([ch]) => !Object.hasOwn(current, ch) || (current[ch] as number) < 0);
      known = current;
    }
    throw new StoreUnavailableError(
      `DynamoDB markSession of ${sessionId} kept conflicting with concurrent changes`,
    );
  }

  /** After a failed path update: the session was absent or expired (create it) or is another's. */
  async #markRead(
    op: Operation,
    sessionId: string,
    holder: string,
    add: Array<[string, number]>,
    remove: string[],
    expiresAt: number,
    now: number,
    failure: Failure,
  ): Promise<boolean> {
    if (failure.kind === 'live') return failure.stored.record.holder === holder;
    const channels = applySessionMarks({}, add, remove);
    if (Object.keys(channels).length > this.#max) throw new TooManyChannelsError(sessionId, this.#max);
    if (await this.#create(op, sessionId, { holder, channels, closed: false, expiresAt }, now)) return true;
    // Created by someone else meanwhile: start over against it.
    return this.mark(op, sessionId, holder, add, remove, expiresAt, now);
  }

  /** One conditional update of map paths (and the expiry); answers `written` or why not. */
  async #markPaths(
    op: Operation,
    sessionId: string,
    holder: string,
    changes: Array<{ remove?: string; set?: [string, number]; was?: 'absent' | 'unknown' | undefined }>,
    expiresAt: number,
    now: number,
  ): Promise<'written' | Failure> {
    const { keys, tableName } = op.layout;
    // DynamoDB refuses names an expression does not use: `#m` only with a channel path.
    const names: Record<string, string> = { '#h': A.holder, '#rev': A.rev, '#ttl': keys.ttl };
    const values: Record<string, AttributeValue> = {
      ':h': { S: holder },
      ':one': num(1),
      ':exp': num(expiresAt),
      ':now': num(now),
    };
    const sets = ['#ttl = :exp'];
    const removes: string[] = [];
    const conditions = ['#h = :h', '#ttl > :now'];
    if (changes.length > 0) names['#m'] = A.channels;
    let added = 0;
    changes.forEach((change, i) => {
      if (change.remove !== undefined) {
        names[`#c${i}`] = change.remove;
        removes.push(`#m.#c${i}`);
      } else if (change.set !== undefined) {
        names[`#c${i}`] = change.set[0];
        values[`:c${i}`] = num(change.set[1]);
        if (change.was !== 'absent') values[':zero'] = num(0);
        sets.push(`#m.#c${i} = :c${i}`);
        // Unread (`was` undefined): either, and counted as new; read before: exactly as read.
        if (change.was === 'unknown') conditions.push(`#m.#c${i} < :zero`);
        else if (change.was === 'absent') conditions.push(`attribute_not_exists(#m.#c${i})`);
        else conditions.push(`(attribute_not_exists(#m.#c${i}) OR #m.#c${i} < :zero)`);
        if (change.was !== 'unknown') added++;
      }
    });
    if (added > 0) {
      // Near the limit a refusal is read back and the channels counted exactly.
      values[':room'] = num(this.#max - added);
      conditions.push('size(#m) <= :room');
    }
    const update = `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''} ADD #rev :one`;
    try {
      await op.client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: key(keys, sessionId),
          UpdateExpression: update,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
        { abortSignal: op.signal },
      );
      return 'written';
    } catch (error) {
      if (errorName(error) !== CONDITION_FAILED) throw storeError(op.name, error);
      const stored = decode(keys, sessionId, (error as { Item?: Record<string, AttributeValue> }).Item);
      return stored !== undefined && stored.record.expiresAt > now
        ? { kind: 'live', stored }
        : { kind: 'absent' };
    }
  }

  /** Read, then the whole item put under the read's revision (one write). */
  close(
    op: Operation,
    sessionId: string,
    holder: string,
    channels: string[],
    expiresAt: number,
    now: number,
  ) {
    return untilSettled(
      op.retry,
      `closeSession of ${sessionId}`,
      async (): Promise<boolean | typeof CONFLICT> => {
        const stored = await this.read(op, sessionId);
        const live = stored !== undefined && stored.record.expiresAt > now ? stored : undefined;
        if (live !== undefined && live.record.holder !== holder) return false;
        const record = {
          holder,
          channels: applySessionClose(live?.record.channels ?? {}, channels),
          closed: true,
          expiresAt,
        };
        const ok =
          live === undefined
            ? await this.#create(op, sessionId, record, now)
            : await this.#put(op, sessionId, record, live.rev + 1, { rev: live.rev });
        return ok ? true : CONFLICT;
      },
    );
  }

  #create(op: Operation, sessionId: string, record: Omit<SessionRecord, 'sessionId'>, now: number) {
    return this.#put(op, sessionId, record, randomInt(2 ** 40), { absentAt: now });
  }

  #put(
    op: Operation,
    sessionId: string,
    record: Omit<SessionRecord, 'sessionId'>,
    rev: number,
    expect: { rev: number } | { absentAt: number },
  ): Promise<boolean> {
    const { keys, tableName } = op.layout;
    const replacing = 'rev' in expect;
    return conditional(op, () =>
      op.client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            ...key(keys, sessionId),
            [A.holder]: { S: record.holder },
            [A.closed]: { BOOL: record.closed },
            [A.channels]: encodeChannels(record.channels),
            [A.rev]: num(rev),
            [keys.ttl]: num(record.expiresAt),
          },
          ConditionExpression: replacing ? '#rev = :rev' : 'attribute_not_exists(#pk) OR #ttl <= :now',
          ExpressionAttributeNames: replacing ? { '#rev': A.rev } : { '#pk': keys.pk, '#ttl': keys.ttl },
          ExpressionAttributeValues: replacing
            ? { ':rev': num(expect.rev) }
            : { ':now': num(expect.absentAt) },
        }),
        { abortSignal: op.signal },
      ),
    );
  }
}
