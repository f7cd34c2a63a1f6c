import { randomBytes } from 'node:crypto';
import {
  type AttributeValue,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  HISTORY_HEAD_GRACE_SECONDS,
  type HistoryAppend,
  type HistoryEntry,
  type HistoryPage,
  type HistoryRetention,
} from '@wsapp/core';
import { CONFLICT, untilSettled } from './conflicts.js';
import { errorName, storeError } from './errors.js';
import {
  HISTORY_ATTR as A,
  decodeHead,
  entryKey,
  entrySortKey,
  headKey,
  seqOfSortKey,
} from './history-items.js';
import { historyPartitionKey } from './key-layout.js';
import type { Operation } from './operation.js';
import { num } from './table-layout.js';

/** The head counter after an append: the entry's seq and the numbering epoch it belongs to. */
interface Bumped {
  seq: number;
  epoch: string;
}

const CONDITION_FAILED = 'ConditionalCheckFailedException';
/** Highest seq an entry sort key holds (a safe integer: 16 digits). */
const LAST_SEQ = Number.MAX_SAFE_INTEGER;

/**
 * Appends an entry (see `history-items.ts` for the items): an `UpdateItem ADD` of the head
 * counter (answers the seq), then, in parallel, the entry's `PutItem` and, once the log is full,
 * a tombstone over entry `seq - maxLength`: 2 sequential requests, 3 once trimming. The entry's
 * put is conditional (no tombstone of its epoch there yet), so an append whose put lands after a
 * later append already trimmed it does not resurrect it: at rest at most `maxLength` entries exist.
 */
export async function appendHistoryItem(
  op: Operation,
  channel: string,
  entry: HistoryAppend,
  retention: HistoryRetention,
  now: number,
): Promise<number> {
  const expires = now + retention.ttlSeconds * 1000;
  const { seq, epoch } = await untilSettled(op.retry, `appendHistory of ${JSON.stringify(channel)}`, () =>
    bumpHead(op, channel, expires, retention.maxLength, now),
  );
  const { keys, tableName } = op.layout;
  const ttl = num(Math.ceil(expires / 1000));
  const put = tolerateCondition(op, () =>
    op.client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          ...entryKey(keys, channel, seq),
          [A.epoch]: { S: epoch },
          [A.messageId]: { S: entry.messageId },
          [A.payload]: { S: entry.payload },
          [A.at]: num(now),
          [A.expires]: num(expires),
          [keys.ttl]: ttl,
        },
        ConditionExpression: 'attribute_not_exists(#pk) OR #ep <> :ep',
        ExpressionAttributeNames: { '#pk': keys.pk, '#ep': A.epoch },
        ExpressionAttributeValues: { ':ep': { S: epoch } },
      }),
      { abortSignal: op.signal },
    ),
  );
  const trimmed = seq - retention.maxLength;
  const trim =
    trimmed < 1
      ? undefined
      : send(op, () =>
          op.client.send(
            new PutItemCommand({
              TableName: tableName,
              Item: { ...entryKey(keys, channel, trimmed), [A.epoch]: { S: epoch }, [keys.ttl]: ttl },
            }),
            { abortSignal: op.signal },
          ),
        );
  await Promise.all([put, trim]);
  return seq;
}

/**
 * Increments the head counter, keeping its lapse (`u`) at the latest entry expiry + the grace.
 * The common case is one `UpdateItem`; a lapsed counter (reset, numbering from 1 in a new epoch)
 * or an older entry living longer than this one costs a `GetItem` and a second write.
 */
async function bumpHead(
  op: Operation,
  channel: string,
  expires: number,
  maxLength: number,
  now: number,
): Promise<Bumped | typeof CONFLICT> {
  const { keys, tableName } = op.layout;
  const lapse = expires + HISTORY_HEAD_GRACE_SECONDS * 1000;
  const allNames: Record<string, string> = {
    '#n': A.head,
    '#x': A.latest,
    '#u': A.lapse,
    '#ml': A.maxLength,
    '#ep': A.epoch,
    '#ttl': keys.ttl,
  };
  const update = async (expression: string, condition: string, values: Record<string, AttributeValue>) => {
    // DynamoDB refuses names an expression does not use.
    const used = `${expression} ${condition}`;
    const names = Object.fromEntries(
      Object.entries(allNames).filter(([n]) => new RegExp(`${n}\\b`).test(used)),
    );
    try {
      const out = await op.client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: headKey(keys, channel),
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
        { abortSignal: op.signal },
      );
      const head = decodeHead(out.Attributes);
      return head === undefined ? CONFLICT : { seq: head.head, epoch: head.epoch };
    } catch (error) {
      if (errorName(error) === CONDITION_FAILED) return undefined;
      throw storeError(op.name, error);
    }
  };
  const first = await update(
    'ADD #n :one SET #x = :x, #u = :u, #ttl = :ttl, #ml = :ml, #ep = if_not_exists(#ep, :ep)',
    'attribute_not_exists(#n) OR (#u > :now AND #x <= :x)',
    {
      ':one': num(1),
      ':x': num(expires),
      ':u': num(lapse),
      ':ttl': num(Math.ceil(lapse / 1000)),
      ':ml': num(maxLength),
      ':ep': { S: newEpoch() },
      ':now': num(now),
    },
  );
  if (first !== undefined) return first;
  const stored = await readHead(op, channel);
  if (stored === undefined) return CONFLICT;
  if (stored.lapse > now) {
    // An older entry lives longer than this one: count, keep the later lapse.
    const bumped = await update('ADD #n :one SET #ml = :ml', '#u > :now AND #ep = :ep', {
      ':one': num(1),
      ':ml': num(maxLength),
      ':now': num(now),
      ':ep': { S: stored.epoch },
    });
    return bumped ?? CONFLICT;
  }
  // Lapsed: start a new epoch at 1, unless another append did so first.
  const epoch = newEpoch();
  try {
    await op.client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          ...headKey(keys, channel),
          [A.head]: num(1),
          [A.epoch]: { S: epoch },
          [A.latest]: num(expires),
          [A.lapse]: num(lapse),
          [A.maxLength]: num(maxLength),
          [keys.ttl]: num(Math.ceil(lapse / 1000)),
        },
        ConditionExpression: '#ep = :old',
        ExpressionAttributeNames: { '#ep': A.epoch },
        ExpressionAttributeValues: { ':old': { S: stored.epoch } },
      }),
      { abortSignal: op.signal },
    );
    return { seq: 1, epoch };
  } catch (error) {
    if (errorName(error) === CONDITION_FAILED) return CONFLICT;
    throw storeError(op.name, error);
  }
}

/**
 * Reads entries after `since`: a consistent `GetItem` of the head (its seq, epoch and the last
 * `maxLength`), then a consistent `Query` of `sk BETWEEN` the first wanted entry and the head,
 * filtering out expired entries, tombstones and leftovers of an earlier epoch (DynamoDB's TTL
 * deletes only eventually). When `since` lies inside the log, a second `Query` (in parallel,
 * keys only) finds `oldestSeq` below it. So 2 requests (3 with that), 2 sequential; more pages
 * only when filtered items or 1 MB pages cut a page short.
 */
export async function readHistoryItems(
  op: Operation,
  channel: string,
  since: number,
  limit: number,
  now: number,
  payloads = true,
): Promise<HistoryPage> {
  const stored = await readHead(op, channel);
  if (stored === undefined || stored.lapse <= now) return { entries: [], headSeq: 0 };
  const { head, epoch, maxLength } = stored;
  // Entries at or below the window start are trimmed (tombstones, or left by a larger maxLength).
  const windowStart = Math.max(0, head - maxLength);
  const from = Math.max(since, windowStart) + 1;
  const live = (lo: number, hi: number, want: number, fields: Fields) =>
    lo > hi ? Promise.resolve([]) : queryLive(op, channel, epoch, { lo, hi, want, now, fields });
  const [entries, below] = await Promise.all([
    live(from, head, limit, payloads ? 'all' : 'meta'),
    since > windowStart ? live(windowStart + 1, since, 1, 'keys') : Promise.resolve([]),
  ]);
  const oldestSeq = below[0]?.seq ?? entries[0]?.seq;
  return oldestSeq === undefined ? { entries, headSeq: head } : { entries, headSeq: head, oldestSeq };
}

/** What a query reads of each entry: everything, all but the payload, or only the key. */
type Fields = 'all' | 'meta' | 'keys';

/** Projections of {@link Fields} (the filter's attributes need not be projected). */
const PROJECTIONS: Record<Fields, { expression?: string; names: Record<string, string> }> = {
  all: { names: {} },
  meta: {
    expression: '#sk, #mid, #at, #r',
    names: { '#mid': A.messageId, '#at': A.at, '#r': A.retracted },
  },
  keys: { expression: '#sk', names: {} },
};

/** Live entries of the epoch with `lo <= seq <= hi`, ascending, at most `want`. */
async function queryLive(
  op: Operation,
  channel: string,
  epoch: string,
  range: { lo: number; hi: number; want: number; now: number; fields: Fields },
): Promise<HistoryEntry[]> {
  const projection = PROJECTIONS[range.fields];
  const { keys, tableName } = op.layout;
  const out: HistoryEntry[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await send(op, () =>
      op.client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
          FilterExpression: '#e > :now AND #ep = :ep',
          ...(projection.expression === undefined ? {} : { ProjectionExpression: projection.expression }),
          ExpressionAttributeNames: {
            '#pk': keys.pk,
            '#sk': keys.sk,
            '#e': A.expires,
            '#ep': A.epoch,
            ...projection.names,
          },
          ExpressionAttributeValues: {
            ':pk': { S: historyPartitionKey(channel) },
            ':lo': { S: entrySortKey(range.lo) },
            ':hi': { S: entrySortKey(Math.min(range.hi, LAST_SEQ)) },
            ':now': num(range.now),
            ':ep': { S: epoch },
          },
          // Limit counts items read before the filter: ask for what is missing, at least a few.
          Limit: Math.max(range.want - out.length, range.fields === 'keys' ? 32 : 1),
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
        { abortSignal: op.signal },
      ),
    );
    for (const item of page.Items ?? []) {
      if (out.length === range.want) break;
      out.push(decodeEntry(keys.sk, item));
    }
    start = page.LastEvaluatedKey;
  } while (start !== undefined && out.length < range.want);
  return out;
}

function decodeEntry(skAttr: string, item: Record<string, AttributeValue>): HistoryEntry {
  return {
    seq: seqOfSortKey(item[skAttr]?.S ?? ''),
    messageId: item[A.messageId]?.S ?? '',
    payload: item[A.payload]?.S ?? '',
    at: Number(item[A.at]?.N ?? 0),
    ...(item[A.retracted] === undefined ? {} : { retracted: true as const }),
  };
}

/** A fresh numbering epoch: entries and tombstones of an earlier one are never read or kept. */
function newEpoch(): string {
  return randomBytes(6).toString('base64url');
}

/** The channel's head item (strongly consistent: a reader sees the append just before it). */
export async function readHead(op: Operation, channel: string) {
  const { keys, tableName } = op.layout;
  return send(op, async () =>
    decodeHead(
      (
        await op.client.send(
          new GetItemCommand({ TableName: tableName, Key: headKey(keys, channel), ConsistentRead: true }),
          { abortSignal: op.signal },
        )
      ).Item,
    ),
  );
}

/** Runs a conditional write whose failed condition means "already trimmed": nothing to do then. */
async function tolerateCondition(op: Operation, request: () => Promise<unknown>): Promise<void> {
  try {
    await request();
  } catch (error) {
    if (errorName(error) !== CONDITION_FAILED) throw storeError(op.name, error);
  }
}

/** Runs one request, turning SDK errors into `StoreUnavailableError`. */
async function send<T>(op: Operation, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw storeError(op.name, error);
  }
}
