import { type AttributeValue, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { ConnectionNotFoundError, type ConnectionRecord, InvalidDataError, mergeData } from '@wsapp/core';
import { CONFLICT, untilSettled } from './conflicts.js';
import {
  ATTR,
  dataBytes,
  dataKey,
  decodeConnection,
  encodeData,
  entryBytes,
  type StoredConnection,
} from './connection-item.js';
import { errorName, storeError } from './errors.js';
import { type Operation, readConnection } from './operation.js';
import { num } from './table-layout.js';

/**
 * Patches of up to this many keys set each key on its own (concurrent updates of other keys do not
 * conflict); larger ones rewrite the whole map. Keeps an expression within DynamoDB's 300 operators.
 */
const KEYS_SET_ONE_BY_ONE = 50;

/**
 * Merges `patch` into the connection's data, refusing a result larger than `maxDataBytes`
 * (InvalidDataError, nothing written). Reads the item, then writes under conditions that make the
 * size check hold at the moment of the write: each patched key still has the value read, and the
 * stored size (`dbytes`, kept exactly by every write) leaves room for this patch's growth. Other
 * keys may change meanwhile without a conflict. A failed condition reads again and retries.
 */
export async function updateData(
  op: Operation,
  connectionId: string,
  patch: Record<string, unknown>,
  now: number,
  maxDataBytes: number,
): Promise<ConnectionRecord> {
  let stored: StoredConnection | undefined = await readConnection(op, connectionId);
  return untilSettled(op.retry, op.name, async () => {
    if (stored === undefined || stored.record.expiresAt <= now)
      throw new ConnectionNotFoundError(connectionId);
    const merged = mergeData(stored.record.data, patch);
    const bytes = dataBytes(merged);
    if (bytes > maxDataBytes) {
      throw new InvalidDataError(
        `${bytes} bytes of JSON after the update exceeds the ${maxDataBytes}-byte limit`,
      );
    }
    if (Object.keys(patch).length === 0) return stored.record;
    const expression =
      Object.keys(patch).length <= KEYS_SET_ONE_BY_ONE && stored.dataBytes !== undefined
        ? keyByKey(stored, patch, maxDataBytes)
        : wholeMap(stored, merged);
    try {
      const output = await op.client.send(
        new UpdateItemCommand({
          TableName: op.layout.tableName,
          Key: op.layout.connectionKey(connectionId),
          UpdateExpression: expression.update,
          ConditionExpression: `#ttl > :now AND ${expression.condition}`,
          ExpressionAttributeNames: { ...expression.names, '#ttl': op.layout.keys.ttl },
          ExpressionAttributeValues: { ...expression.values, ':now': num(now) },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
        { abortSignal: op.signal },
      );
      const updated = decodeConnection(op.layout.keys, output.Attributes);
      if (updated === undefined) throw new ConnectionNotFoundError(connectionId);
      return updated.record;
    } catch (error) {
      if (errorName(error) !== 'ConditionalCheckFailedException') throw storeError(op.name, error);
      stored = decodeConnection(op.layout.keys, (error as { Item?: Record<string, AttributeValue> }).Item);
      return CONFLICT;
    }
  });
}

interface DataExpression {
  update: string;
  condition: string;
  names: Record<string, string>;
  values: Record<string, AttributeValue>;
}

/** Sets or removes each key on its own; conditions: each key as read, and room for the growth. */
function keyByKey(
  stored: StoredConnection,
  patch: Record<string, unknown>,
  maxDataBytes: number,
): DataExpression {
  const names: Record<string, string> = { '#d': ATTR.data, '#dbytes': ATTR.dataBytes, '#drev': ATTR.dataRev };
  const values: Record<string, AttributeValue> = { ':one': num(1) };
  const sets: string[] = [];
  const removes: string[] = [];
  const asRead: string[] = [];
  let growth = 0;
  const old = stored.record.data;
  for (const [n, [key, value]] of Object.entries(patch).entries()) {
    names[`#k${n}`] = dataKey(key);
    const had = Object.hasOwn(old, key);
    if (had) {
      growth -= entryBytes(key, old[key]);
      asRead.push(`#d.#k${n} = :o${n}`);
      values[`:o${n}`] = { S: JSON.stringify(old[key]) };
    } else asRead.push(`attribute_not_exists(#d.#k${n})`);
    if (value === null) removes.push(`#d.#k${n}`);
    else {
      growth += entryBytes(key, value);
      sets.push(`#d.#k${n} = :v${n}`);
      values[`:v${n}`] = { S: JSON.stringify(value) };
    }
  }
  values[':growth'] = num(growth);
  values[':ceiling'] = num(maxDataBytes - growth);
  sets.push('#dbytes = #dbytes + :growth');
  const update = `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''} ADD #drev :one`;
  return { update, condition: `#dbytes <= :ceiling AND ${asRead.join(' AND ')}`, names, values };
}

/** Rewrites the whole map, under a condition on the data revision read. */
function wholeMap(stored: StoredConnection, merged: Record<string, unknown>): DataExpression {
  const names = { '#d': ATTR.data, '#dbytes': ATTR.dataBytes, '#drev': ATTR.dataRev };
  const values: Record<string, AttributeValue> = {
    ':data': encodeData(merged),
    ':bytes': num(dataBytes(merged)),
    ':one': num(1),
  };
  let condition = 'attribute_not_exists(#drev)';
  if (stored.dataRev !== undefined) {
    condition = '#drev = :drev';
    values[':drev'] = num(stored.dataRev);
  }
  return { update: 'SET #d = :data, #dbytes = :bytes ADD #drev :one', condition, names, values };
}
