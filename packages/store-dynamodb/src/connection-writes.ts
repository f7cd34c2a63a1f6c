import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { ConnectionRecord } from '@wsapp/core';
import { ATTR, encodeConnection } from './connection-item.js';
import { num, type TableLayout } from './table-layout.js';

// The connection item's writes, one per operation, each with the condition that orders it
// against concurrent changes. Every channel change bumps `rev`; failures answer the item (ALL_OLD).

/** Puts the record: over nothing live, or over the live record read at `previousRev`. */
export function putConnection(
  layout: TableLayout,
  record: ConnectionRecord,
  rev: number,
  previousRev: number | undefined,
  now: number,
): TransactWriteItem {
  const { keys } = layout;
  const replacing = previousRev !== undefined;
  return {
    Put: {
      TableName: layout.tableName,
      Item: encodeConnection(keys, record, rev),
      ConditionExpression: replacing
        ? '#rev = :rev AND #ttl > :now'
        : 'attribute_not_exists(#pk) OR #ttl <= :now',
      ExpressionAttributeNames: replacing
        ? { '#rev': ATTR.rev, '#ttl': keys.ttl }
        : { '#pk': keys.pk, '#ttl': keys.ttl },
      ExpressionAttributeValues: replacing
        ? { ':rev': num(previousRev), ':now': num(now) }
        : { ':now': num(now) },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** Deletes the connection item as read at `rev`. */
export function deleteConnection(layout: TableLayout, connectionId: string, rev: number): TransactWriteItem {
  return {
    Delete: {
      TableName: layout.tableName,
      Key: layout.connectionKey(connectionId),
      ConditionExpression: '#rev = :rev',
      ExpressionAttributeNames: { '#rev': ATTR.rev },
      ExpressionAttributeValues: { ':rev': num(rev) },
    },
  };
}

/** How a join keeps the channel set within the limit. */
export type JoinRoom =
  /** Without reading: the set has at most `limit - channels.length` channels. */
  | { limit: number }
  /** After reading: the set is still the one read at `rev` (its union with the join fits). */
  | { rev: number };

/** Adds channels to the set of a live item whose expiry is `expiresAt` (the memberships' expiry). */
export function joinConnection(
  layout: TableLayout,
  connectionId: string,
  channels: string[],
  { expiresAt, now, room }: { expiresAt: number; now: number; room: JoinRoom },
): TransactWriteItem {
  const values: Record<string, AttributeValue> = {
    ':ch': { SS: channels },
    ':one': num(1),
    ':exp': num(expiresAt),
    ':now': num(now),
  };
  let fits: string;
  if ('rev' in room) {
    fits = '#rev = :rev';
    values[':rev'] = num(room.rev);
  } else {
    fits = '(attribute_not_exists(#ch) OR size(#ch) <= :room)';
    values[':room'] = num(room.limit - channels.length);
  }
  return {
    Update: {
      TableName: layout.tableName,
      Key: layout.connectionKey(connectionId),
      UpdateExpression: 'ADD #ch :ch, #rev :one',
      ConditionExpression: `#ttl = :exp AND #ttl > :now AND ${fits}`,
      ExpressionAttributeNames: { '#ch': ATTR.channels, '#rev': ATTR.rev, '#ttl': layout.keys.ttl },
      ExpressionAttributeValues: values,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** Removes channels from the set of a live item. */
export function leaveConnection(
  layout: TableLayout,
  connectionId: string,
  channels: string[],
  now: number,
): TransactWriteItem {
  return {
    Update: {
      TableName: layout.tableName,
      Key: layout.connectionKey(connectionId),
      UpdateExpression: 'DELETE #ch :ch ADD #rev :one',
      ConditionExpression: 'attribute_exists(#pk) AND #ttl > :now',
      ExpressionAttributeNames: {
        '#ch': ATTR.channels,
        '#rev': ATTR.rev,
        '#pk': layout.keys.pk,
        '#ttl': layout.keys.ttl,
      },
      ExpressionAttributeValues: { ':ch': { SS: channels }, ':one': num(1), ':now': num(now) },
    },
  };
}

/**
 * Updates the item as read (revision `rev`, expiry `expiresAt`): `channels` replaces the set
 * (bumping the revision), `newExpiry` the expiry.
 */
export function reviseConnection(
  layout: TableLayout,
  connectionId: string,
  read: { rev: number; expiresAt: number },
  change: { channels: string[] } | { newExpiry: number },
): TransactWriteItem {
  const names: Record<string, string> = { '#rev': ATTR.rev, '#ttl': layout.keys.ttl };
  const values: Record<string, AttributeValue> = { ':rev': num(read.rev), ':exp': num(read.expiresAt) };
  let update: string;
  if ('newExpiry' in change) {
    update = 'SET #ttl = :new';
    values[':new'] = num(change.newExpiry);
  } else {
    names['#ch'] = ATTR.channels;
    values[':one'] = num(1);
    if (change.channels.length > 0) values[':ch'] = { SS: change.channels };
    update = `${change.channels.length > 0 ? 'SET #ch = :ch' : 'REMOVE #ch'} ADD #rev :one`;
  }
  return {
    Update: {
      TableName: layout.tableName,
      Key: layout.connectionKey(connectionId),
      UpdateExpression: update,
      ConditionExpression: '#rev = :rev AND #ttl = :exp',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}
