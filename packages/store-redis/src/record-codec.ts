import { type ConnectionRecord, setOwn } from '@wsapp/core';

/** Hash field prefix of one top-level data key (value stored as JSON), so updates are per key. */
export const DATA_FIELD = 'd:';

/** The record as hash field/value pairs (channels live in their own set). */
export function encodeRecord(record: ConnectionRecord): string[] {
  const fields = [
    'id',
    record.connectionId,
    'at',
    String(record.connectedAt),
    'exp',
    String(record.expiresAt),
  ];
  if (record.endpoint !== undefined) fields.push('ep', record.endpoint);
  for (const [key, value] of Object.entries(record.data))
    fields.push(DATA_FIELD + key, JSON.stringify(value));
  return fields;
}

/** A data patch as fields to set (pairs) and fields to delete (`null` values: JSON Merge Patch). */
export function encodePatch(patch: Record<string, unknown>): { sets: string[]; dels: string[] } {
  const sets: string[] = [];
  const dels: string[] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) dels.push(DATA_FIELD + key);
    else sets.push(DATA_FIELD + key, JSON.stringify(value));
  }
  return { sets, dels };
}

/** Rebuilds a record from a script's `{HGETALL, SMEMBERS}` answer; `undefined` for an empty hash. */
export function decodeRecord(reply: unknown): ConnectionRecord | undefined {
  if (!Array.isArray(reply) || reply.length !== 2) return undefined;
  const [hash, channels] = reply as [unknown, unknown];
  if (!Array.isArray(hash) || hash.length === 0 || !Array.isArray(channels)) return undefined;
  const fields = new Map<string, string>();
  for (let i = 0; i + 1 < hash.length; i += 2) fields.set(String(hash[i]), String(hash[i + 1]));
  const id = fields.get('id');
  const at = fields.get('at');
  const exp = fields.get('exp');
  if (id === undefined || at === undefined || exp === undefined) return undefined;
  const data: Record<string, unknown> = {};
  for (const [field, json] of fields) {
    if (!field.startsWith(DATA_FIELD)) continue;
    setOwn(data, field.slice(DATA_FIELD.length), JSON.parse(json) as unknown);
  }
  const record: ConnectionRecord = {
    connectionId: id,
    channels: channels.map(String),
    data,
    connectedAt: Number(at),
    expiresAt: Number(exp),
  };
  const endpoint = fields.get('ep');
  if (endpoint !== undefined) record.endpoint = endpoint;
  return record;
}
