/**
 * Reliability: a private DynamoDB Local (child process) is stopped in the middle of a join storm,
 * then a new one is started behind the same address (a loopback TCP relay stands for the stable
 * endpoint, since DynamoDB Local runs in memory on a fresh port). Operations settle — success or
 * StoreUnavailableError — in bounded time, and the same store instance serves again afterwards.
 */
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ConnectionNotFoundError, StoreUnavailableError } from '@wsapp/core';
import { createTable, DynamoDBConnectionStore } from '@wsapp/store-dynamodb';
import { type DynamoDBBackend, startDynamoDBLocal } from '@wsapp/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { LOADED_TIMEOUT_MS } from '../table.js';

const BOUND_MS = 10_000;

/** A TCP relay on a fixed loopback port to whatever backend port is current (none: refused). */
async function relay(): Promise<{
  port: number;
  target(port: number | undefined): void;
  close(): Promise<void>;
}> {
  let targetPort: number | undefined;
  const open = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    open.add(inbound);
    inbound.once('close', () => open.delete(inbound));
    if (targetPort === undefined) {
      inbound.destroy();
      return;
    }
    const outbound = tcpConnect(targetPort, '127.0.0.1');
    open.add(outbound);
    outbound.once('close', () => open.delete(outbound));
    inbound.pipe(outbound).pipe(inbound);
    const drop = () => {
      inbound.destroy();
      outbound.destroy();
    };
    inbound.once('error', drop);
    outbound.once('error', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    target(next) {
      targetPort = next;
      for (const socket of open) socket.destroy(); // a stopped server drops its connections
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const portOf = (backend: DynamoDBBackend) => Number(new URL(backend.endpoint).port);

describe('DynamoDB Local stopped and started under load', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('a join storm across a stop: bounded StoreUnavailableErrors, then the same store serves again', async () => {
    let backend = await startDynamoDBLocal({ backend: 'process' });
    cleanups.push(() => backend.stop());
    const proxy = await relay();
    cleanups.push(() => proxy.close());
    proxy.target(portOf(backend));
    const client = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${proxy.port}`,
      region: backend.region,
      credentials: backend.credentials,
    });
    cleanups.push(async () => client.destroy());
    const tableName = 'reliability-faults';
    await createTable(client, { tableName });
    const store = new DynamoDBConnectionStore({
      tableName,
      client,
      consistentMembers: true,
      operationTimeoutMs: LOADED_TIMEOUT_MS,
    });

    const ids = Array.from({ length: 100 }, (_, i) => `dyn-${i}=`);
    await Promise.all(ids.map((id) => store.register(id, { channels: ['a'] })));
    const durations: number[] = [];
    const errors: Array<{ error: unknown; at: number }> = [];
    let restartedAt = Number.POSITIVE_INFINITY;
    let stop = false;
    const workers = ids.map(async (id, i) => {
      for (let round = 0; !stop && round < 2000; round++) {
        const channel = ['b', 'c', 'd'][(i + round) % 3]!;
        const t0 = Date.now();
        try {
          if (round % 2 === 0) await store.join(id, [channel]);
          else await store.leave(id, [channel]);
        } catch (error) {
          errors.push({ error, at: Date.now() });
          await new Promise((r) => setTimeout(r, 50));
        } finally {
          durations.push(Date.now() - t0);
        }
      }
    });
    await new Promise((r) => setTimeout(r, 500));
    const stoppedAt = Date.now();
    proxy.target(undefined);
    await backend.stop();
    // While it is down, every kind of operation fails clearly and promptly.
    for (const [op, work] of [
      ['get', () => store.get('dyn-0=')],
      ['register', () => store.register('new=', { channels: ['a'] })],
      ['members', () => store.members('a')],
      ['unregister', () => store.unregister('dyn-1=')],
    ] as const) {
      const t0 = Date.now();
      const error = await work().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, op).toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).message).toMatch(/DynamoDB/);
      expect(Date.now() - t0, op).toBeLessThan(BOUND_MS);
    }
    // Started again (in memory: it comes back empty), behind the same address.
    backend = await startDynamoDBLocal({ backend: 'process' });
    cleanups.push(() => backend.stop());
    proxy.target(portOf(backend));
    restartedAt = Date.now();
    const downMs = Date.now() - stoppedAt;
    await createTable(client, { tableName });
    await new Promise((r) => setTimeout(r, 500));
    stop = true;
    await Promise.all(workers);

    expect(errors.length).toBeGreaterThan(0);
    // While down: StoreUnavailableError only. After the restart the in-memory table is new and empty,
    // so a join of a connection registered before answers ConnectionNotFoundError, as it should.
    for (const { error, at } of errors) {
      if (at < restartedAt) expect(error).toBeInstanceOf(StoreUnavailableError);
      else
        expect([StoreUnavailableError, ConnectionNotFoundError].some((t) => error instanceof t)).toBe(true);
    }
    const unavailable = errors.filter((e) => e.error instanceof StoreUnavailableError).length;
    expect(Math.max(...durations)).toBeLessThan(BOUND_MS);
    // The same store instance serves again, consistently.
    await store.register('back=', { channels: ['a', 'b'] });
    await store.join('back=', ['c']);
    expect((await store.get('back='))?.channels.sort()).toEqual(['a', 'b', 'c']);
    expect((await store.members('c')).connectionIds).toContain('back=');
    for (const channel of ['a', 'b', 'c', 'd']) {
      for await (const id of store.allMembers(channel)) {
        expect((await store.get(id))?.channels, `${id} in ${channel}`).toContain(channel);
      }
    }
    console.log(
      `DynamoDB Local stopped for ${downMs} ms under a 100-worker join storm: ${durations.length} operations, ` +
        `${unavailable} StoreUnavailableError, ${errors.length - unavailable} ConnectionNotFoundError after the restart, slowest ${Math.max(...durations)} ms`,
    );
  }, 180_000);
});
