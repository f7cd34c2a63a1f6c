/**
 * Fan-out to a history channel: the planner appends once, every worker page sends the same framed
 * message (workers with the same `history` option append nothing), and a client that was away gets
 * it replayed. Real SQS (fauxqs), real sockets on the emulator, memory store.
 */
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { fanOutWorker, Messenger } from '@wsapp/core';
import { type SqsEventSource, sqsEventSource } from '@wsapp/local';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { uniqueName } from '@wsapp/testing';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { silentLogger, start } from '../helpers.js';
import {
  countingStore,
  drop,
  open,
  replay,
  resume,
  sessionApp,
  userAuthorizer,
} from '../sessions-helpers.js';

const sqsEnv = inject('wsappSqs');
const sqs = new SQSClient({
  endpoint: sqsEnv.endpoint,
  region: sqsEnv.region,
  credentials: sqsEnv.credentials,
});
const sources: SqsEventSource[] = [];
afterEach(async () => {
  await Promise.all(sources.splice(0).map((source) => source.stop()));
});

describe('fan-out to a history channel', { timeout: 60_000 }, () => {
  it.each([
    { name: '3 slices', hide: [] },
    // No memberSlices (a store written before them): one task without a cursor.
    { name: 'a store without memberSlices', hide: ['memberSlices'] },
  ])(
    'appends once in the planner ($name, pages of 2): every member gets the same frame; the absent one a replay',
    async ({ hide }) => {
      const inner = new MemoryConnectionStore();
      const { store, calls } = countingStore(inner, hide);
      const { app } = sessionApp(store);
      const server = await start(app, { authorizer: userAuthorizer });
      const members = await Promise.all(
        Array.from({ length: 7 }, async (_, i) => {
          const client = await open(server, { user: `u${i}`, rooms: 'room:a' });
          await resume(client);
          return client;
        }),
      );
      const away = await open(server, { user: 'alice', rooms: 'room:a' });
      const { reply } = await resume(away);
      const sid = JSON.parse(Buffer.from(reply.token.split('.')[1] as string, 'base64url').toString()).s;
      drop(away);
      await vi.waitFor(async () => expect((await inner.readSession(sid))?.closed).toBe(true));

      const queue = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('fanout-history') }));
      const queueUrl = queue.QueueUrl as string;
      calls.clear();
      const result = await app.fanOut({ channels: ['room:a'] }, { n: 1 }, { queueUrl, slices: 3, sqs });
      expect(calls.get('appendHistory')).toBe(1);
      const worker = fanOutWorker({
        // A worker Lambda configured like the app: same history option.
        messenger: new Messenger({
          store,
          endpoint: server.endpoint,
          history: { channels: ['room:*'] },
          logger: silentLogger(),
        }),
        sqs,
        queueUrl,
        pageSize: 2,
        logger: silentLogger(),
      });
      sources.push(
        await sqsEventSource({ sqs, queueUrl, handler: worker, batchSize: 1, waitTimeSeconds: 1 }),
      );
      const frames = await Promise.all(members.map((client) => client.json()));
      for (const frame of frames)
        expect(frame).toEqual({ n: 1, $mid: result.broadcastId, $seq: { 'room:a': 1 } });
      expect(calls.get('appendHistory')).toBe(1);
      expect((await inner.readHistory('room:a')).headSeq).toBe(1);

      const back = await open(server, { user: 'alice', token: reply.token });
      const { reply: again } = await resume(back);
      const replayed = await replay(back, again.key);
      expect(replayed.frames).toEqual([
        { n: 1, $mid: result.broadcastId, $seq: { 'room:a': 1 }, $replay: true },
      ]);
    },
  );
});
