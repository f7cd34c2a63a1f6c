/**
 * Reliability: a private DynamoDB Local (child process) is frozen with SIGSTOP: it keeps its
 * connections open and answers nothing. Every store call fails with StoreUnavailableError within
 * `operationTimeoutMs` (plus scheduling slack), and after SIGCONT the same store instance works.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { StoreUnavailableError } from '@wsapp/core';
import { createTable, DynamoDBConnectionStore } from '@wsapp/store-dynamodb';
import { type DynamoDBBackend, startDynamoDBLocal } from '@wsapp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOADED_TIMEOUT_MS } from '../table.js';

const TIMEOUT_MS = 1500;
/** Generous: the machine is shared and loaded; the point is bounded, not fast. */
const BOUND_MS = TIMEOUT_MS + 4000;
/** How long the test waits for a call that never settles before calling it a hang. */
const HANG_MS = 15_000;

let backend: DynamoDBBackend;
let client: DynamoDBClient;
let frozen = false;
beforeAll(async () => {
  backend = await startDynamoDBLocal({ backend: 'process' });
  client = new DynamoDBClient({
    endpoint: backend.endpoint,
    region: backend.region,
    credentials: backend.credentials,
  });
  await createTable(client, { tableName: 'frozen' });
});
afterAll(async () => {
  if (frozen && backend?.pid !== undefined) process.kill(backend.pid, 'SIGCONT');
  client?.destroy();
  await backend?.stop();
});

/** Settles `work`, or answers `'hang'` after {@link HANG_MS}. */
async function outcome(work: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const t0 = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve('hang'), HANG_MS);
  });
  const error = await Promise.race([
    work().then(
      () => 'resolved',
      (e: unknown) => e,
    ),
    hang,
  ]);
  clearTimeout(timer);
  return { error, ms: Date.now() - t0 };
}

describe('DynamoDB Local frozen (SIGSTOP)', () => {
  it('every call fails with StoreUnavailableError within the operation timeout; SIGCONT: the same store works', async () => {
    const store = new DynamoDBConnectionStore({
      tableName: 'frozen',
      client,
      operationTimeoutMs: TIMEOUT_MS,
      consistentMembers: true,
    });
    // Set up through another store: on the loaded test machine a 150-channel register can take longer than TIMEOUT_MS.
    const setup = new DynamoDBConnectionStore({
      tableName: 'frozen',
      client,
      operationTimeoutMs: LOADED_TIMEOUT_MS,
    });
    const big = Array.from({ length: 150 }, (_, i) => `big-${i}`);
    await setup.register('a=', { channels: ['room'] });
    await setup.register('b=', { channels: big });
    const pid = backend.pid;
    expect(pid).toBeTypeOf('number');
    process.kill(pid!, 'SIGSTOP');
    frozen = true;
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['register', () => store.register('c=', { channels: ['room'] })],
      ['register 150', () => store.register('d=', { channels: big })],
      ['get', () => store.get('a=')],
      ['join', () => store.join('a=', ['x'])],
      ['join 150', () => store.join('a=', big)],
      ['leave', () => store.leave('a=', ['room'])],
      ['setChannels', () => store.setChannels('a=', ['y'])],
      ['update', () => store.update('a=', { n: 1 })],
      ['touch', () => store.touch('a=')],
      ['members', () => store.members('room')],
      ['unregister', () => store.unregister('a=')],
      ['unregister 150', () => store.unregister('b=')],
    ];
    const times: Record<string, number> = {};
    // Concurrently, so the whole freeze lasts about one timeout.
    const results = await Promise.all(calls.map(([, work]) => outcome(work)));
    for (const [i, [name]] of calls.entries()) {
      const { error, ms } = results[i]!;
      times[name] = ms;
      expect(error, name).toBeInstanceOf(StoreUnavailableError);
      expect(ms, name).toBeLessThan(BOUND_MS);
    }
    process.kill(pid!, 'SIGCONT');
    frozen = false;
    // The same instance serves again (a call may still meet the server catching up: it is retried).
    const t0 = Date.now();
    const eventually = async <T>(work: () => Promise<T>): Promise<T> => {
      for (;;) {
        try {
          return await work();
        } catch (error) {
          expect(error).toBeInstanceOf(StoreUnavailableError);
          if (Date.now() - t0 > 30_000) throw error;
        }
      }
    };
    await eventually(() => store.register('after=', { channels: ['room', ...big] }));
    const recoveredMs = Date.now() - t0;
    await eventually(() => store.join('after=', ['z']));
    expect((await eventually(() => store.get('after=')))?.channels).toHaveLength(152);
    expect((await eventually(() => store.members('room'))).connectionIds).toContain('after=');
    await eventually(() => store.unregister('after='));
    console.log(
      `DynamoDB Local frozen: every call StoreUnavailableError (operationTimeoutMs ${TIMEOUT_MS}), ` +
        `times ${JSON.stringify(times)}; served again ${recoveredMs} ms after SIGCONT`,
    );
  }, 120_000);
});
