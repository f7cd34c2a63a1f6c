import { InvalidCursorError } from '@wsapp/core';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../src/cursor.js';
import { decodeRecord, encodePatch, encodeRecord } from '../src/record-codec.js';

describe('cursor', () => {
  it('round-trips any member id as opaque base64url, bound to its channel', () => {
    for (const after of ['a', 'x{y}:z=', '+/==', '~'.repeat(128)]) {
      const cursor = encodeCursor('room#1', after);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeCursor('room#1', cursor)).toBe(after);
      expect(() => decodeCursor('room#2', cursor)).toThrow(InvalidCursorError);
    }
  });

  it.each([
    '',
    '!!!',
    'bm90IGpzb24',
    Buffer.from('[2,"x","a"]').toString('base64url'),
    Buffer.from('{}').toString('base64url'),
  ])('refuses %j', (cursor) => {
    expect(() => decodeCursor('room#1', cursor)).toThrow(InvalidCursorError);
  });
});

describe('record codec', () => {
  const hgetall = (fields: string[]) => [fields, ['b', 'a']];

  it('round-trips a record through hash fields', () => {
    const record = {
      connectionId: 'c1=',
      channels: ['b', 'a'],
      data: { user: 'u', n: 1, nested: { deep: [1, null] }, 'd:x': true },
      endpoint: 'https://x/prod',
      connectedAt: 1_700_000_000_123,
      expiresAt: 1_700_007_800,
    };
    expect(decodeRecord(hgetall(encodeRecord(record)))).toEqual(record);
    const { endpoint: _omit, ...bare } = record;
    expect(decodeRecord(hgetall(encodeRecord(bare)))).toEqual(bare);
  });

  it('keeps __proto__ and constructor as plain data', () => {
    const data = JSON.parse('{"__proto__":{"polluted":true},"constructor":"c"}') as Record<string, unknown>;
    const fields = encodeRecord({ connectionId: 'x=', channels: [], data, connectedAt: 1, expiresAt: 2 });
    const decoded = decodeRecord([fields, []]);
    expect(Object.getPrototypeOf(decoded?.data)).toBe(Object.prototype);
    expect(Object.keys(decoded?.data ?? {}).sort()).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('turns a patch into sets and deletes (null removes a key)', () => {
    expect(encodePatch({ a: 1, b: null, c: { d: null } })).toEqual({
      sets: ['d:a', '1', 'd:c', '{"d":null}'],
      dels: ['d:b'],
    });
  });

  it('answers undefined for a missing or malformed hash', () => {
    expect(decodeRecord(null)).toBeUndefined();
    expect(decodeRecord([[], []])).toBeUndefined();
    expect(decodeRecord([['id', 'x'], []])).toBeUndefined();
  });
});
