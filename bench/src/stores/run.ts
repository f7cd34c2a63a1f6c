/**
 * Store operations against real backends (started by `@wsapp/testing`'s harness) and memory:
 * register with 3 channels, join, leave, unregister, and all members of a 10,000-member channel.
 * Each as ops/s (sequential awaited operations) and round trips / requests per operation, next to
 * the minimal raw client calls a hand-written implementation needs (same backend, same data).
 *
 *   node dist/stores/run.js [ops] [bigChannel]
 */
import type { BaseConnectionStore } from '@wsapp/core';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { emitResult } from '../lib/child.js';
import { median } from '../lib/stats.js';
import { loadWorkspacePackage } from '../lib/workspace.js';
import { type RawStore, rawDynamo, rawRedis } from './raw.js';

const ops = Number(process.argv[2] ?? 300);
const bigChannel = Number(process.argv[3] ?? 10_000);
const ROUNDS = 3;

interface Row {
  backend: string;
  op: string;
  wsappOpsPerSec?: number;
  rawOpsPerSec?: number;
  wsappTrips?: number;
  rawTrips?: number;
  skipped?: string;
}

/** Both sides of a comparison: a store (ours) and a raw client, with their round-trip counters. */
interface Side {
  register(id: string, channels: string[]): Promise<unknown>;
  join(id: string, channel: string): Promise<unknown>;
  leave(id: string, channel: string): Promise<unknown>;
  unregister(id: string): Promise<unknown>;
  allMembers(channel: string): Promise<number>;
  trips(): number;
}

function storeSide(store: BaseConnectionStore, trips: () => number): Side {
  return {
    register: (id, channels) => store.register(id, { channels }),
    join: (id, channel) => store.join(id, [channel]),
    leave: (id, channel) => store.leave(id, [channel]),
    unregister: (id) => store.unregister(id),
    async allMembers(channel) {
      let n = 0;
      for await (const _ of store.allMembers(channel)) n++;
      return n;
    },
    trips,
  };
}

function rawSide(raw: RawStore): Side {
  return raw;
}

/** Runs every operation on both sides, alternating sides each round; medians of ops/s. */
async function compare(backend: string, ours: Side, raw: Side | undefined): Promise<Row[]> {
  const sides: Array<[string, Side]> = raw
    ? [
        ['wsapp', ours],
        ['raw', raw],
      ]
    : [['wsapp', ours]];
  const results = new Map<string, { opsPerSec: number[]; trips: number[] }>();
  const record = (side: string, op: string, count: number, ms: number, trips: number) => {
    const key = `${side}|${op}`;
    const entry = results.get(key) ?? { opsPerSec: [], trips: [] };
    entry.opsPerSec.push((count / ms) * 1000);
    entry.trips.push(trips / count);
    results.set(key, entry);
  };
  const timed = async (
    side: string,
    s: Side,
    op: string,
    count: number,
    fn: (i: number) => Promise<unknown>,
  ) => {
    const trips = s.trips();
    const t = performance.now();
    for (let i = 0; i < count; i++) await fn(i);
    record(side, op, count, performance.now() - t, s.trips() - trips);
  };

  // The big channel, filled once per side (outside timing).
  for (const [side, s] of sides) {
    for (let i = 0; i < bigChannel; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, bigChannel - i) }, (_, k) =>
          s.register(`big-${side}-${i + k}`, ['big-channel']),
        ),
      );
    }
  }

  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? sides : [...sides].reverse();
    for (const [side, s] of order) {
      const id = (i: number) => `r${round}-${side}-${i}`;
      await timed(side, s, 'register (3 channels)', ops, (i) =>
        s.register(id(i), [`room-${i % 10}`, `user-${i}`, 'all']),
      );
      await timed(side, s, 'join', ops, (i) => s.join(id(i), `topic-${i % 7}`));
      await timed(side, s, 'leave', ops, (i) => s.leave(id(i), `topic-${i % 7}`));
      await timed(side, s, 'unregister', ops, (i) => s.unregister(id(i)));
      await timed(side, s, `members (${bigChannel})`, 1, async () => {
        const n = await s.allMembers('big-channel');
        if (n !== bigChannel) throw new Error(`${side} members: ${n}, expected ${bigChannel}`);
      });
    }
  }
  const names = ['register (3 channels)', 'join', 'leave', 'unregister', `members (${bigChannel})`];
  return names.map((op) => {
    const ours = results.get(`wsapp|${op}`);
    const theirs = results.get(`raw|${op}`);
    return {
      backend,
      op,
      wsappOpsPerSec: ours && median(ours.opsPerSec),
      wsappTrips: ours && median(ours.trips),
      rawOpsPerSec: theirs && median(theirs.opsPerSec),
      rawTrips: theirs && median(theirs.trips),
    };
  });
}

const rows: Row[] = [];
const skip = (backend: string, reason: string) => rows.push({ backend, op: '—', skipped: reason });

// Memory: no round trips; shown for scale.
rows.push(
  ...(await compare(
    'memory',
    storeSide(new MemoryConnectionStore(), () => 0),
    undefined,
  )),
);

type Harness = {
  startRedis?: () => Promise<{ url: string; kind: string; stop(): Promise<void> }>;
  startDynamoDBLocal?: () => Promise<{
    endpoint: string;
    region: string;
    kind: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
    stop(): Promise<void>;
  }>;
};
const harness = (await loadWorkspacePackage<Harness>('testing')) ?? {};

// Redis
const redisPkg = await loadWorkspacePackage<{
  RedisConnectionStore?: new (o: object) => BaseConnectionStore;
}>('store-redis');
if (redisPkg?.RedisConnectionStore === undefined) skip('redis', '@wsapp/store-redis is not available');
else if (harness.startRedis === undefined)
  skip('redis', '@wsapp/testing has no startRedis (harness not merged)');
else {
  let backend: Awaited<ReturnType<NonNullable<Harness['startRedis']>>> | undefined;
  try {
    backend = await harness.startRedis();
    const { default: Redis } = await import('ioredis');
    const ours = new Redis(backend.url);
    const theirs = new Redis(backend.url);
    const counter = (client: InstanceType<typeof Redis>) => {
      // Round trips: socket writes (a pipeline or a script is one write, one reply batch).
      let writes = 0;
      const attach = () => {
        const stream = (client as unknown as { stream: { write: (...a: unknown[]) => boolean } }).stream;
        const write = stream.write.bind(stream);
        stream.write = (...args: unknown[]) => {
          writes++;
          return write(...args);
        };
      };
      return { attach, count: () => writes };
    };
    await Promise.all([ours.ping(), theirs.ping()]);
    const c1 = counter(ours);
    const c2 = counter(theirs);
    c1.attach();
    c2.attach();
    const store = new redisPkg.RedisConnectionStore({ client: ours, keyPrefix: 'bench:' });
    rows.push(
      ...(await compare(
        `redis (${backend.kind})`,
        storeSide(store, c1.count),
        rawSide(rawRedis(theirs, c2.count)),
      )),
    );
    ours.disconnect();
    theirs.disconnect();
  } catch (error) {
    skip('redis', `backend failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await backend?.stop();
  }
}

// DynamoDB Local
const dynamoPkg = await loadWorkspacePackage<{
  DynamoDBConnectionStore?: new (o: object) => BaseConnectionStore;
  createTable?: (client: unknown, o: { tableName: string }) => Promise<void>;
}>('store-dynamodb');
if (dynamoPkg?.DynamoDBConnectionStore === undefined)
  skip('dynamodb', '@wsapp/store-dynamodb is not available');
else if (harness.startDynamoDBLocal === undefined) {
  skip('dynamodb', '@wsapp/testing has no startDynamoDBLocal (harness not merged)');
} else {
  let backend: Awaited<ReturnType<NonNullable<Harness['startDynamoDBLocal']>>> | undefined;
  try {
    backend = await harness.startDynamoDBLocal();
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const config = { endpoint: backend.endpoint, region: backend.region, credentials: backend.credentials };
    const counted = () => {
      const client = new DynamoDBClient(config);
      let requests = 0;
      client.middlewareStack.add(
        (next) => async (args) => {
          requests++;
          return next(args);
        },
        { step: 'finalizeRequest', name: 'benchRequestCounter' },
      );
      return { client, count: () => requests };
    };
    const ours = counted();
    const theirs = counted();
    await dynamoPkg.createTable?.(ours.client, { tableName: 'bench-wsapp' });
    const store = new dynamoPkg.DynamoDBConnectionStore({ tableName: 'bench-wsapp', client: ours.client });
    const raw = await rawDynamo(theirs.client, 'bench-raw', theirs.count);
    rows.push(...(await compare(`dynamodb (${backend.kind})`, storeSide(store, ours.count), rawSide(raw))));
  } catch (error) {
    skip('dynamodb', `backend failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await backend?.stop();
  }
}

emitResult({ ops, bigChannel, rounds: ROUNDS, rows });
process.exit(0);
