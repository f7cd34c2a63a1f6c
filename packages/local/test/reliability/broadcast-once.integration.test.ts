/**
 * Reliability: "each connection at most once per broadcast" on real Redis and DynamoDB Local, for
 * a broadcast split one page per invocation over channels that overlap, and what it costs: the
 * resumed invocations read the records of the later channels' members (`getMany`) to skip those
 * an earlier channel already reached. The management endpoint is a real HTTP server answering 200
 * and counting calls per connection.
 */
import { randomBytes } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type BroadcastTarget, type ConnectionStore, Messenger } from '@wsapp/core';
import { createTable, DynamoDBConnectionStore } from '@wsapp/store-dynamodb';
import { RedisConnectionStore } from '@wsapp/store-redis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { silentLogger } from '../helpers.js';
import { httpEndpoint } from './management-servers.js';

/** a: 0..⅔n, b: ⅓n..n, c: every third id: every connection is in 1 to 3 channels. */
async function populate(store: ConnectionStore, n: number, endpoint: string) {
  const ids = Array.from({ length: n }, (_, i) => `once${i}=`);
  const work = ids.map((id, i) => {
    const channels = [i < (2 * n) / 3 ? 'a' : '', i >= n / 3 ? 'b' : '', i % 3 === 0 ? 'c' : ''].filter(
      Boolean,
    );
    return () => store.register(id, { channels, endpoint });
  });
  for (let i = 0; i < work.length; i += 50) await Promise.all(work.slice(i, i + 50).map((w) => w()));
  return ids;
}

async function measure(name: string, store: ConnectionStore, n: number, pageSize: number) {
  const server = await httpEndpoint((_req, res) => res.writeHead(200).end());
  try {
    const ids = await populate(store, n, server.endpoint);
    const messenger = new Messenger({ store, endpoint: server.endpoint, logger: silentLogger() });
    const target: BroadcastTarget = { channels: ['a', 'b', 'c'] };

    // Time spent in the record reads that keep "at most once" across invocations.
    const reads = { calls: 0, ids: 0, ms: 0 };
    const getMany = store.getMany?.bind(store);
    if (getMany === undefined) throw new Error('store without getMany');
    store.getMany = async (batch) => {
      const started = performance.now();
      try {
        return await getMany(batch);
      } finally {
        reads.calls++;
        reads.ids += batch.length;
        reads.ms += performance.now() - started;
      }
    };

    const t0 = performance.now();
    let invocations = 0;
    let attempted = 0;
    let cursor: string | undefined;
    do {
      const report = await messenger.broadcast(target, 'split', {
        pageSize,
        maxPages: 1,
        ...(cursor === undefined ? {} : { cursor }),
      });
      invocations++;
      attempted += report.attempted;
      cursor = report.cursor;
    } while (cursor !== undefined);
    const splitMs = performance.now() - t0;

    const perId = new Map<string, number>();
    for (const a of server.arrivals) perId.set(a.connectionId, (perId.get(a.connectionId) ?? 0) + 1);
    expect(attempted).toBe(n);
    expect(server.arrivals).toHaveLength(n);
    for (const id of ids) expect(perId.get(id), id).toBe(1);
    // Pages of channels b and c (2n/3 + n/3 members) are checked through records, minus the ids
    // this invocation already reached.
    expect(reads.ids).toBeLessThanOrEqual(n);
    console.log(
      `${name}: ${n} connections in 3 overlapping channels, pages of ${pageSize}: ` +
        `split into ${invocations} invocations, ${splitMs.toFixed(0)} ms` +
        `, of which ${reads.ms.toFixed(0)} ms in ${reads.calls} getMany calls for ${reads.ids} records ` +
        `(${((reads.ms / Math.max(1, reads.ids)) * 1000).toFixed(0)} µs per record); each connection reached once`,
    );
  } finally {
    await server.close();
  }
}

describe('at most once across invocations, real backends', { timeout: 120_000 }, () => {
  it('Redis', async () => {
    const store = new RedisConnectionStore({
      url: inject('wsappRedisUrl'),
      keyPrefix: `once-${randomBytes(4).toString('hex')}:`,
    });
    try {
      await measure('Redis', store, 1_500, 250);
    } finally {
      await store.close();
    }
  });

  const dynamo = inject('wsappDynamoDB');
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: dynamo.region,
    credentials: dynamo.credentials,
  });
  afterAll(() => client.destroy());

  it('DynamoDB Local', async () => {
    const tableName = `once-${randomBytes(4).toString('hex')}`;
    await createTable(client, { tableName });
    try {
      await measure('DynamoDB Local', new DynamoDBConnectionStore({ tableName, client }), 300, 50);
    } finally {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
    }
  });
});
