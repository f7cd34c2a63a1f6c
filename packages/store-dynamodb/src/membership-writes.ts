import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { CONFLICT, untilSettled } from './conflicts.js';
import { ATTR, decodeConnection } from './connection-item.js';
import type { Operation } from './operation.js';
import { num } from './table-layout.js';
import { type ConditionFailure, MAX_TRANSACTION_ITEMS, writeAtomically } from './transact.js';

/**
 * Membership writes per transaction besides the one item (the connection write, or the check of
 * the connection item) that orders them. 99 keeps a chunk's condition within DynamoDB's 300
 * operators and 4 KB per expression.
 */
const MEMBERSHIPS_PER_CHUNK = MAX_TRANSACTION_ITEMS - 1;

/** A change of a connection's channel set: its connection write and the memberships it implies. */
export interface ChannelChange {
  connectionId: string;
  /** The write of the connection item (with its own condition); committed first, with the first memberships. */
  connection: TransactWriteItem;
  /** Memberships to delete: channels the written record no longer lists. */
  deletes: readonly string[];
  /** Memberships to put, expiring at `expiresAt`: channels the written record lists. */
  puts: readonly string[];
  /** The written record's expiry (the memberships' expiry). */
  expiresAt: number;
}

/**
 * Applies a channel change in the order that keeps every membership listed by its connection item
 * (the store's invariant, stated in the README):
 *
 * 1. The connection item is written first, with as many membership writes as fit in the same
 *    transaction (99): a change of up to 99 memberships is atomic.
 * 2. The rest follow in transactions of 99, each fenced by a check of the connection item made in
 *    the same transaction: a membership is put only while the item exists, has this expiry and lists
 *    the channel; deleted only while the item is gone or does not list it. Where a concurrent change
 *    made the check fail, the channels it now owns are dropped from the chunk and the rest retried.
 *
 * So a `join` racing a `leave` or an `unregister` never writes a membership the item no longer
 * lists, and a `leave` never deletes one a later `join` listed again. Answers the condition
 * failures of step 1 (nothing was written then), or `undefined` once everything is applied.
 */
export async function applyChannelChange(
  op: Operation,
  change: ChannelChange,
): Promise<ConditionFailure[] | undefined> {
  const { connectionId, expiresAt } = change;
  const { layout } = op;
  const deletesNow = change.deletes.slice(0, MEMBERSHIPS_PER_CHUNK);
  const putsNow = change.puts.slice(0, MEMBERSHIPS_PER_CHUNK - deletesNow.length);
  const failed = await writeAtomically(op, [
    change.connection,
    ...deletesNow.map((c) => layout.deleteMember(c, connectionId)),
    ...putsNow.map((c) => layout.putMember(c, connectionId, expiresAt)),
  ]);
  if (failed !== undefined) return failed;
  const deletesLater = change.deletes.slice(deletesNow.length);
  const putsLater = change.puts.slice(putsNow.length);
  for (let i = 0; i < deletesLater.length; i += MEMBERSHIPS_PER_CHUNK) {
    await fencedDeletes(op, connectionId, deletesLater.slice(i, i + MEMBERSHIPS_PER_CHUNK));
  }
  for (let i = 0; i < putsLater.length; i += MEMBERSHIPS_PER_CHUNK) {
    const done = await fencedPuts(op, connectionId, putsLater.slice(i, i + MEMBERSHIPS_PER_CHUNK), expiresAt);
    if (!done) break;
  }
  return undefined;
}

/**
 * Puts memberships while the connection item lists them with this expiry. Answers `false` when
 * the item is gone or its expiry changed: then an `unregister` or a `touch` that read the item after
 * it listed these channels owns the remaining memberships, and nothing more must be put.
 */
async function fencedPuts(
  op: Operation,
  connectionId: string,
  channels: readonly string[],
  expiresAt: number,
): Promise<boolean> {
  let chunk = [...channels];
  return untilSettled(op.retry, op.name, async () => {
    if (chunk.length === 0) return true;
    const values: Record<string, AttributeValue> = { ':exp': num(expiresAt) };
    const listed = chunk.map((c, n) => {
      values[`:c${n}`] = { S: c };
      return `contains(#ch, :c${n})`;
    });
    const failed = await writeAtomically(op, [
      check(op, connectionId, `#ttl = :exp AND ${listed.join(' AND ')}`, values),
      ...chunk.map((c) => op.layout.putMember(c, connectionId, expiresAt)),
    ]);
    if (failed === undefined) return true;
    const current = currentOf(op, failed);
    if (current === undefined || current.record.expiresAt !== expiresAt) return false;
    const still = new Set(current.record.channels);
    chunk = chunk.filter((c) => still.has(c));
    return CONFLICT;
  });
}

/** Deletes memberships while the connection item is gone or does not list them. */
async function fencedDeletes(
  op: Operation,
  connectionId: string,
  channels: readonly string[],
): Promise<void> {
  let chunk = [...channels];
  await untilSettled(op.retry, op.name, async () => {
    if (chunk.length === 0) return undefined;
    const values: Record<string, AttributeValue> = {};
    const listed = chunk.map((c, n) => {
      values[`:c${n}`] = { S: c };
      return `contains(#ch, :c${n})`;
    });
    const failed = await writeAtomically(op, [
      check(op, connectionId, `attribute_not_exists(#pk) OR NOT (${listed.join(' OR ')})`, values),
      ...chunk.map((c) => op.layout.deleteMember(c, connectionId)),
    ]);
    if (failed === undefined) return undefined;
    // A concurrent join listed some of them again: those memberships are the join's now.
    const relisted = new Set(currentOf(op, failed)?.record.channels ?? []);
    chunk = chunk.filter((c) => !relisted.has(c));
    return CONFLICT;
  });
}

/** A check of the connection item, answering the item when it fails. */
function check(
  op: Operation,
  connectionId: string,
  condition: string,
  values: Record<string, AttributeValue>,
): TransactWriteItem {
  const { keys } = op.layout;
  const names: Record<string, string> = { '#ch': ATTR.channels };
  if (condition.includes('#ttl')) names['#ttl'] = keys.ttl;
  if (condition.includes('#pk')) names['#pk'] = keys.pk;
  return {
    ConditionCheck: {
      TableName: op.layout.tableName,
      Key: op.layout.connectionKey(connectionId),
      ConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** The connection item as a failed check (item 0 of the transaction) saw it. */
function currentOf(op: Operation, failed: ConditionFailure[]) {
  return decodeConnection(op.layout.keys, failed.find((f) => f.index === 0)?.item);
}
