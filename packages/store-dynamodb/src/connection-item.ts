import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { type ConnectionRecord, setOwn } from '@wsapp/core';
import { CONNECTION_SORT_KEY, connectionPartitionKey } from './key-layout.js';

/** Names of the table's key and TTL attributes. */
export interface KeyAttributes {
  pk: string;
  sk: string;
  ttl: string;
}

/** Attribute names of a connection item besides the keys and the TTL. */
export const ATTR = {
  connectedAt: 'connectedAt',
  /**
   * Map of `_` + data key → JSON text of its value, so each key is set or removed on its own
   * (the prefix because DynamoDB refuses empty attribute names, and `""` is a valid JSON key).
   */
  data: 'data',
  endpoint: 'endpoint',
  /** String Set of channel names; absent when empty (DynamoDB sets cannot be empty). */
  channels: 'channels',
  /** Revision, bumped by every channel change; conditions on it replace read-modify-write. */
  rev: 'rev',
  /** Data revision, bumped by every `update`, which writes the merged data under a condition on it. */
  dataRev: 'drev',
  /** Size of the data as JSON ({@link dataBytes}), kept by every write, so `update` checks the limit in its condition. */
  dataBytes: 'dbytes',
} as const;

const DATA_KEY_PREFIX = '_';

/** Name of a data key inside the `data` map attribute. */
export function dataKey(key: string): string {
  return DATA_KEY_PREFIX + key;
}

/** A connection item decoded, with its revisions. */
export interface StoredConnection {
  record: ConnectionRecord;
  rev: number;
  /** Data revision; `undefined` for an item written before it existed. */
  dataRev: number | undefined;
  /** Stored {@link dataBytes}; `undefined` for an item written before it existed. */
  dataBytes: number | undefined;
}

/** Key of a connection item. */
export function connectionKey(keys: KeyAttributes, connectionId: string): Record<string, AttributeValue> {
  return { [keys.pk]: { S: connectionPartitionKey(connectionId) }, [keys.sk]: { S: CONNECTION_SORT_KEY } };
}

/** JSON bytes one data entry adds: `"key":value` and its separator. */
export function entryBytes(key: string, value: unknown): number {
  return (
    Buffer.byteLength(JSON.stringify(key), 'utf8') + Buffer.byteLength(JSON.stringify(value), 'utf8') + 2
  );
}

/**
 * Size of `data` as JSON, UTF-8 bytes, additive over entries (`1 + Σ entryBytes`): exactly
 * `JSON.stringify(data)`'s size when it has a key, 1 when empty.
 */
export function dataBytes(data: Record<string, unknown>): number {
  let bytes = 1;
  for (const [key, value] of Object.entries(data)) bytes += entryBytes(key, value);
  return bytes;
}

/** Encodes data as the `data` map attribute's value. */
export function encodeData(record: Record<string, unknown>): AttributeValue {
  const data: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(record)) {
    setOwn(data, dataKey(key), { S: JSON.stringify(value) });
  }
  return { M: data };
}

/** Encodes a record as a connection item; its data revision starts at `rev`. */
export function encodeConnection(
  keys: KeyAttributes,
  record: ConnectionRecord,
  rev: number,
): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = {
    ...connectionKey(keys, record.connectionId),
    [keys.ttl]: { N: String(record.expiresAt) },
    [ATTR.connectedAt]: { N: String(record.connectedAt) },
    [ATTR.data]: encodeData(record.data),
    [ATTR.rev]: { N: String(rev) },
    [ATTR.dataRev]: { N: String(rev) },
    [ATTR.dataBytes]: { N: String(dataBytes(record.data)) },
  };
  if (record.endpoint !== undefined) item[ATTR.endpoint] = { S: record.endpoint };
  if (record.channels.length > 0) item[ATTR.channels] = { SS: [...record.channels] };
  return item;
}

/** Decodes a connection item (expired or not); `undefined` when `item` is not one. */
export function decodeConnection(
  keys: KeyAttributes,
  item: Record<string, AttributeValue> | undefined,
): StoredConnection | undefined {
  const pk = item?.[keys.pk]?.S;
  if (item === undefined || pk === undefined || !pk.startsWith('c#')) return undefined;
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item[ATTR.data]?.M ?? {})) {
    setOwn(data, key.slice(DATA_KEY_PREFIX.length), JSON.parse(value.S ?? 'null') as unknown);
  }
  const record: ConnectionRecord = {
    connectionId: pk.slice(2),
    channels: item[ATTR.channels]?.SS ?? [],
    data,
    connectedAt: Number(item[ATTR.connectedAt]?.N ?? 0),
    expiresAt: Number(item[keys.ttl]?.N ?? 0),
  };
  const endpoint = item[ATTR.endpoint]?.S;
  if (endpoint !== undefined) record.endpoint = endpoint;
  const optional = (name: string) => {
    const n = item[name]?.N;
    return n === undefined ? undefined : Number(n);
  };
  return {
    record,
    rev: Number(item[ATTR.rev]?.N ?? 0),
    dataRev: optional(ATTR.dataRev),
    dataBytes: optional(ATTR.dataBytes),
  };
}
