/**
 * Store limits on DynamoDB Local: the channel count a connection item can hold (400 KB item limit)
 * is refused with TooManyChannelsError, atomically, never StoreUnavailableError; the data limit
 * applies to the data after an update merged it.
 */
import { InvalidDataError, TooManyChannelsError } from '@wsapp/core';
import { DynamoDBConnectionStore, maxChannelsForItem } from '@wsapp/store-dynamodb';
import { describe, expect, it } from 'vitest';
import { LOADED_TIMEOUT_MS, rawConnectionItem, scanAll, useTestTable } from './table.js';

const table = useTestTable('limits');

/** `n` distinct channel names of exactly `bytes` UTF-8 bytes. */
const longNames = (prefix: string, n: number, bytes = 512) =>
  Array.from({ length: n }, (_, i) => `${prefix}${i}-`.padEnd(bytes, 'x'));

const rawItem = (connectionId: string) => rawConnectionItem(table, connectionId);

async function membershipCount(connectionId: string): Promise<number> {
  return (await scanAll(table, { expression: 'sk = :id', values: { ':id': { S: connectionId } } })).length;
}

const refusal = (work: Promise<unknown>) =>
  work.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('channels per connection: the 400 KB item limit', () => {
  it('derives the limit from the item size, maxChannelBytes and maxDataBytes', () => {
    const store = new DynamoDBConnectionStore({
      tableName: table.tableName,
      client: table.client,
      operationTimeoutMs: LOADED_TIMEOUT_MS,
    });
    const derived = maxChannelsForItem({ maxChannelBytes: 512, maxDataBytes: 32 * 1024 });
    expect(derived).toBeGreaterThan(600);
    expect(derived).toBeLessThan(800);
    expect(store.maxChannelsPerConnection).toBe(derived);
    const short = new DynamoDBConnectionStore({
      tableName: table.tableName,
      client: table.client,
      operationTimeoutMs: LOADED_TIMEOUT_MS,
      maxChannelBytes: 64,
    });
    expect(short.maxChannelsPerConnection).toBe(1000); // the core default is lower than the item allows
    expect(
      () =>
        new DynamoDBConnectionStore({
          tableName: table.tableName,
          client: table.client,
          operationTimeoutMs: LOADED_TIMEOUT_MS,
          maxChannelsPerConnection: derived + 1,
        }),
    ).toThrow(RangeError);
  });

  it('register with more 512-byte channels than an item holds: TooManyChannelsError, nothing written', async () => {
    const store = new DynamoDBConnectionStore({
      tableName: table.tableName,
      client: table.client,
      operationTimeoutMs: LOADED_TIMEOUT_MS,
    });
    const error = await refusal(store.register('over=', { channels: longNames('r', 850) }));
    expect(error).toBeInstanceOf(TooManyChannelsError);
    expect(await rawItem('over=')).toBeUndefined();
    expect(await membershipCount('over=')).toBe(0);
  });

  it('join beyond the limit together with the current channels: TooManyChannelsError, nothing written', async () => {
    const store = new DynamoDBConnectionStore({
      tableName: table.tableName,
      client: table.client,
      operationTimeoutMs: LOADED_TIMEOUT_MS,
    });
    const limit = store.maxChannelsPerConnection;
    const current = longNames('cur', limit - 20);
    await store.register('full=', { channels: current, data: { blob: 'd'.repeat(32 * 1024 - 20) } });
    const before = await rawItem('full=');
    const error = await refusal(store.join('full=', longNames('more', 21)));
    expect(error).toBeInstanceOf(TooManyChannelsError);
    expect(await rawItem('full=')).toEqual(before);
    expect(await membershipCount('full=')).toBe(limit - 20);
    // Up to the limit is accepted, at the largest names and data: the item still fits.
    await store.join('full=', [...current.slice(0, 50), ...longNames('more', 20)]);
    expect((await store.get('full='))?.channels).toHaveLength(limit);
    expect(await membershipCount('full=')).toBe(limit);
    expect(await refusal(store.join('full=', ['one-more']))).toBeInstanceOf(TooManyChannelsError);
    await store.unregister('full=');
    expect(await membershipCount('full=')).toBe(0);
  }, 120_000);

  it('2,000 channels: refused by default; accepted with short names and a raised limit', async () => {
    const store = new DynamoDBConnectionStore({
      tableName: table.tableName,
      client: table.client,
      operationTimeoutMs: LOADED_TIMEOUT_MS,
    });
    await store.register('two-k=');
    const many = Array.from({ length: 2000 }, (_, i) => `k${i}`);
    expect(await refusal(store.join('two-k=', many))).toBeInstanceOf(TooManyChannelsError);
    expect(await membershipCount('two-k=')).toBe(0);
    const roomy = new DynamoDBConnectionStore({
      tableName: table.tableName,
      client: table.client,
      operationTimeoutMs: LOADED_TIMEOUT_MS,
      maxChannelBytes: 32,
      maxChannelsPerConnection: 2000,
    });
    await roomy.join('two-k=', many);
    expect((await roomy.get('two-k='))?.channels).toHaveLength(2000);
    expect(await membershipCount('two-k=')).toBe(2000);
    expect(await refusal(roomy.join('two-k=', ['k2000']))).toBeInstanceOf(TooManyChannelsError);
    await roomy.leave('two-k=', many.slice(0, 1500));
    expect(await membershipCount('two-k=')).toBe(500);
    await roomy.unregister('two-k=');
    expect(await membershipCount('two-k=')).toBe(0);
  }, 120_000);
});

describe('data limit after merging', () => {
  it('an update whose merged data would exceed maxDataBytes is refused, writing nothing', async () => {
    const store = new DynamoDBConnectionStore({
      tableName: table.tableName,
      client: table.client,
      operationTimeoutMs: LOADED_TIMEOUT_MS,
    });
    await store.register('data=', { data: { a: 'x'.repeat(20_000) } });
    const error = await refusal(store.update('data=', { b: 'y'.repeat(20_000) }));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(Object.keys((await store.get('data='))?.data ?? {})).toEqual(['a']);
    // Replacing or removing keys that shrink the data is fine.
    await store.update('data=', { a: null, b: 'y'.repeat(20_000) });
    expect(Object.keys((await store.get('data='))?.data ?? {})).toEqual(['b']);
    // 16 updates of 30 KB each: only what fits is kept.
    const results = [];
    for (let i = 0; i < 16; i++)
      results.push(await refusal(store.update('data=', { [`k${i}`]: 'z'.repeat(30_000) })));
    expect(results.every((r) => r instanceof InvalidDataError)).toBe(true);
    const json = JSON.stringify((await store.get('data='))?.data);
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(32 * 1024);
    await store.unregister('data=');
  }, 60_000);

  it('concurrent updates of different keys never grow the data past the limit together', async () => {
    const store = new DynamoDBConnectionStore({
      tableName: table.tableName,
      client: table.client,
      operationTimeoutMs: LOADED_TIMEOUT_MS,
    });
    await store.register('race=');
    const results = await Promise.allSettled(
      Array.from({ length: 24 }, (_, n) => store.update('race=', { [`k${n}`]: 'v'.repeat(2000) })),
    );
    const accepted = results.filter((r) => r.status === 'fulfilled').length;
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(InvalidDataError);
    const data = (await store.get('race='))?.data ?? {};
    expect(Object.keys(data)).toHaveLength(accepted);
    const bytes = Buffer.byteLength(JSON.stringify(data));
    expect(bytes).toBeLessThanOrEqual(32 * 1024);
    expect(bytes + 2011).toBeGreaterThan(32 * 1024); // every key that fitted was kept
    console.log(
      `dynamodb: 24 concurrent 2 KB updates kept ${accepted} (${bytes} bytes of JSON), refused the rest`,
    );
    // A patch of 60 keys (written as a whole map) is checked the same way.
    const wide = Object.fromEntries(Array.from({ length: 60 }, (_, n) => [`w${n}`, 'w'.repeat(100)]));
    expect(await refusal(store.update('race=', wide))).toBeInstanceOf(InvalidDataError);
    const cleared = Object.fromEntries(Object.keys(data).map((k) => [k, null]));
    await store.update('race=', { ...cleared, ...wide });
    expect(Object.keys((await store.get('race='))?.data ?? {})).toHaveLength(60);
    await store.unregister('race=');
  }, 60_000);
});
