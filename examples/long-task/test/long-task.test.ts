import type { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { Messenger } from '@wsapp/core';
import type { ForwardedMessage, ForwardTarget } from '@wsapp/forward';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { connectEvent, messageEvent, TestClock } from '@wsapp/testing';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createLongTaskApp } from '../src/app.js';
import { createWorker } from '../src/worker.js';

/** The key the route signs task envelopes with and the worker verifies. */
const SECRET = 'long-task-test-key-of-at-least-32-bytes';

/** Stands in for the SQS queue: keeps what the route forwarded. */
class QueueTarget implements ForwardTarget {
  readonly name = 'test-queue';
  readonly messages: ForwardedMessage[] = [];
  async put(message: ForwardedMessage) {
    this.messages.push(message);
  }
  drain(): SQSEvent {
    const records = this.messages.splice(0).map((m, i) => ({
      messageId: `m-${i}`,
      receiptHandle: `r-${i}`,
      body: JSON.stringify(m),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: 'x',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:reports',
      awsRegion: 'us-east-1',
    }));
    return { Records: records };
  }
}

/** Stands in for the management API: keeps what was posted to which connection. */
function recordingClient(posted: { connectionId: string; data: unknown }[], gone = new Set<string>()) {
  return {
    send: async (command: { input: { ConnectionId: string; Data?: Uint8Array } }) => {
      const { ConnectionId, Data } = command.input;
      if (gone.has(ConnectionId)) throw Object.assign(new Error('Gone'), { name: 'GoneException' });
      posted.push({ connectionId: ConnectionId, data: JSON.parse(Buffer.from(Data ?? []).toString('utf8')) });
      return {};
    },
  } as unknown as ApiGatewayManagementApiClient;
}

describe('long-task example, in process', () => {
  it('submit → queued → the worker reports progress, then the result, to the submitting client', async () => {
    const store = new MemoryConnectionStore();
    const queue = new QueueTarget();
    const app = createLongTaskApp({ target: queue, store, secret: SECRET });
    const handler = app.handler();
    // Identity comes only from the authorizer: a query parameter is not enough.
    expect((await handler(connectEvent({ query: { name: 'alice' } }))).statusCode).toBe(401);
    expect(
      (await handler(connectEvent({ connectionId: 'alice=', authorizer: { principalId: 'alice' } })))
        .statusCode,
    ).toBe(200);

    const submitted = await handler(
      messageEvent({ action: 'submit', report: 'sales', rows: 1000 }, { connectionId: 'alice=' }),
    );
    const { taskId } = JSON.parse(submitted.body ?? '');
    expect(JSON.parse(submitted.body ?? '')).toEqual({ accepted: true, taskId: expect.any(String) });
    expect(queue.messages[0]?.data).toEqual({ report: 'sales', rows: 1000 });

    const posted: { connectionId: string; data: unknown }[] = [];
    const worker = createWorker({
      messenger: new Messenger({ store, client: recordingClient(posted) }),
      steps: 2,
      work: async () => undefined,
      secret: SECRET,
    });
    expect(await worker(queue.drain())).toEqual({ batchItemFailures: [] });
    expect(posted).toEqual([
      { connectionId: 'alice=', data: { type: 'progress', taskId, data: { percent: 50 } } },
      { connectionId: 'alice=', data: { type: 'progress', taskId, data: { percent: 100 } } },
      {
        connectionId: 'alice=',
        data: {
          type: 'done',
          taskId,
          data: { report: 'sales', rows: 1000, url: `s3://reports/${taskId}.csv` },
        },
      },
    ]);
  });

  it('refuses invalid jobs at the route, fails oversized ones in the worker, stops for gone clients', async () => {
    const clock = new TestClock();
    const store = new MemoryConnectionStore({ clock: () => clock.now() });
    const queue = new QueueTarget();
    const handler = createLongTaskApp({ target: queue, store, secret: SECRET }).handler();
    await handler(connectEvent({ connectionId: 'bob=', authorizer: { principalId: 'bob' } }));
    await handler(connectEvent({ connectionId: 'carol=', authorizer: { principalId: 'carol' } }));

    const invalid = await handler(
      messageEvent({ action: 'submit', report: '', rows: -1 }, { connectionId: 'bob=' }),
    );
    expect(invalid.statusCode).toBe(400);
    expect(queue.messages).toHaveLength(0);

    await handler(
      messageEvent({ action: 'submit', report: 'huge', rows: 900_000 }, { connectionId: 'bob=' }),
    );
    await handler(messageEvent({ action: 'submit', report: 'x', rows: 10 }, { connectionId: 'carol=' }));
    const posted: { connectionId: string; data: unknown }[] = [];
    // The job runs a minute later: a 410 for carol then means she left (a record younger than the
    // connect grace would be kept, its $connect possibly not accepted yet).
    clock.advance(60_000);
    const worker = createWorker({
      messenger: new Messenger({ store, client: recordingClient(posted, new Set(['carol='])) }),
      work: async () => undefined,
      secret: SECRET,
    });
    await worker(queue.drain());
    expect(posted).toEqual([
      {
        connectionId: 'bob=',
        data: {
          type: 'error',
          taskId: expect.any(String),
          error: { message: 'report too large', code: 'TooLarge' },
        },
      },
    ]);
    // carol left: the first progress answered 'gone', the job stopped and the store forgot her.
    expect(await store.get('carol=')).toBeUndefined();
  });

  it('drops a message another producer put on the queue: nothing is posted, nothing retried', async () => {
    const store = new MemoryConnectionStore();
    const queue = new QueueTarget();
    const handler = createLongTaskApp({ target: queue, store, secret: SECRET }).handler();
    await handler(connectEvent({ connectionId: 'dave=', authorizer: { principalId: 'dave' } }));
    // Written by someone else: an envelope naming dave's connection, unsigned or signed with another key.
    const envelope = {
      connectionId: 'dave=',
      requestId: 'r',
      routeKey: 'submit',
      sentAt: 1,
      taskId: 'forged',
    };
    queue.messages.push(
      { envelope, data: { report: 'x', rows: 1 } },
      { envelope: { ...envelope, sig: `f1.${'A'.repeat(43)}` }, data: { report: 'x', rows: 1 } },
    );
    const posted: { connectionId: string; data: unknown }[] = [];
    const worker = createWorker({
      messenger: new Messenger({ store, client: recordingClient(posted) }),
      work: async () => undefined,
      secret: SECRET,
    });
    expect(await worker(queue.drain())).toEqual({ batchItemFailures: [] });
    expect(posted).toEqual([]);
  });
});
