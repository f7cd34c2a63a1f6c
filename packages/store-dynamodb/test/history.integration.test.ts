import { HISTORY_HEAD_GRACE_SECONDS, MAX_PAYLOAD_BYTES, StoreUnavailableError } from '@wsapp/core';
import { DynamoDBConnectionStore, historyPartitionKey } from '@wsapp/store-dynamodb';
import { TestClock } from '@wsapp/testing';
import { describe, expect, it } from 'vitest';
import { countingTestTable, queryAll, testClient } from './table.js';

const { client, tableName, counted } = await countingTestTable('history');

const entry = (n: number) => ({ messageId: `m${n}`, payload: JSON.stringify({ n }) });

describe('DynamoDB channel history', () => {
  it('requests: append = UpdateItem + PutItem (+ a tombstone PutItem once full); read = GetItem + Query (+ a Query for oldestSeq)', async () => {
    const store = new DynamoDBConnectionStore({ tableName, client });
    const retention = { maxLength: 3, ttlSeconds: 600 };
    expect(await counted(() => store.readHistory('req'))).toEqual(['GetItemCommand']);
    expect(await counted(() => store.appendHistory('req', entry(1), retention))).toEqual([
      'UpdateItemCommand',
      'PutItemCommand',
    ]);
    for (let n = 2; n <= 3; n++) await store.appendHistory('req', entry(n), retention);
    expect(await counted(() => store.appendHistory('req', entry(4), retention))).toEqual([
      'UpdateItemCommand',
      'PutItemCommand',
      'PutItemCommand',
    ]);
    expect(await counted(() => store.readHistory('req'))).toEqual(['GetItemCommand', 'QueryCommand']);
    // since inside the log: a keys-only Query below it finds oldestSeq, in parallel.
    expect(await counted(() => store.readHistory('req', { since: 3 }))).toEqual([
      'GetItemCommand',
      'QueryCommand',
      'QueryCommand',
    ]);
    expect(await store.readHistory('req', { since: 3 })).toMatchObject({ headSeq: 4, oldestSeq: 2 });
  });

  it('stores one item per entry, a 128 KB payload included, with the TTL attribute; tombstones hold no payload', async () => {
    const store = new DynamoDBConnectionStore({ tableName, client });
    const big = 'x'.repeat(MAX_PAYLOAD_BYTES);
    const retention = { maxLength: 2, ttlSeconds: 60 };
    await store.appendHistory('big', { messageId: 'big', payload: big }, retention);
    await store.appendHistory('big', entry(2), retention);
    await store.appendHistory('big', entry(3), retention);
    const items = await queryAll(client, tableName, historyPartitionKey('big'));
    const bySk = new Map(items.map((i) => [i.sk?.S, i]));
    expect([...bySk.keys()].sort()).toEqual([
      'e#0000000000000001',
      'e#0000000000000002',
      'e#0000000000000003',
      'h',
    ]);
    // Entry 1 was trimmed: its item is a tombstone now (no payload), expiring by itself.
    expect(bySk.get('e#0000000000000001')?.p).toBeUndefined();
    expect(bySk.get('e#0000000000000001')?.expiresAt?.N).toBeDefined();
    for (const sk of ['e#0000000000000002', 'e#0000000000000003', 'h']) {
      expect(bySk.get(sk)?.expiresAt?.N, sk).toBeDefined();
    }
    const head = bySk.get('h')!;
    expect(Number(head.expiresAt!.N) - Number(bySk.get('e#0000000000000003')!.expiresAt!.N)).toBe(
      HISTORY_HEAD_GRACE_SECONDS,
    );
    // The 128 KB entry round-trips while it is held.
    const clock = new TestClock();
    const other = new DynamoDBConnectionStore({ tableName, client, clock: () => clock.now() });
    await other.appendHistory('big2', { messageId: 'big', payload: big });
    expect((await other.readHistory('big2')).entries[0]?.payload).toBe(big);
  });

  it('an old entry that lives longer than a newer one keeps the head counter alive', async () => {
    const clock = new TestClock();
    const store = new DynamoDBConnectionStore({ tableName, client, clock: () => clock.now() });
    await store.appendHistory('mixed', entry(1), { maxLength: 10, ttlSeconds: 3600 });
    expect(
      await counted(() => store.appendHistory('mixed', entry(2), { maxLength: 10, ttlSeconds: 1 })),
    ).toEqual(['UpdateItemCommand', 'GetItemCommand', 'UpdateItemCommand', 'PutItemCommand']);
    clock.advance((1 + HISTORY_HEAD_GRACE_SECONDS) * 1000);
    expect(await store.appendHistory('mixed', entry(3), { maxLength: 10, ttlSeconds: 1 })).toBe(3);
  });

  it('concurrent appends to a lapsed counter start one new numbering, from 1', async () => {
    const clock = new TestClock();
    const stores = [1, 2, 3].map(
      () => new DynamoDBConnectionStore({ tableName, client, clock: () => clock.now() }),
    );
    await stores[0]!.appendHistory('lapsed', entry(0), { maxLength: 50, ttlSeconds: 1 });
    clock.advance((1 + HISTORY_HEAD_GRACE_SECONDS) * 1000);
    const seqs = await Promise.all(
      Array.from({ length: 12 }, (_, n) =>
        stores[n % 3]!.appendHistory('lapsed', entry(n + 1), { maxLength: 50, ttlSeconds: 60 }),
      ),
    );
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, n) => n + 1));
    const page = await stores[1]!.readHistory('lapsed');
    expect(page.entries.map((e) => e.seq)).toEqual(Array.from({ length: 12 }, (_, n) => n + 1));
    expect(page.entries.map((e) => e.messageId)).not.toContain('m0');
  });

  it('respects operationTimeoutMs: a request that never answers fails the call with StoreUnavailableError', async () => {
    const hanging = await testClient();
    hanging.middlewareStack.add(() => (_args) => new Promise(() => {}), {
      step: 'finalizeRequest',
      priority: 'low',
      name: 'neverAnswer',
    });
    const store = new DynamoDBConnectionStore({ tableName, client: hanging, operationTimeoutMs: 200 });
    await expect(store.appendHistory('slow', entry(1))).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.readHistory('slow')).rejects.toBeInstanceOf(StoreUnavailableError);
    hanging.destroy();
  });
});
