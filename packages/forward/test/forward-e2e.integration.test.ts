import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { Messenger, WebSocketApp } from '@wsapp/core';
import { forward, replyTo, SqsTarget } from '@wsapp/forward';
import { type LocalServer, serve } from '@wsapp/local';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { uniqueName } from '@wsapp/testing';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import WebSocket from 'ws';
import { z } from 'zod';
import { sqsRecord } from './lambda-records.js';

// The whole async-task loop, with nothing mocked: a real client submits over the emulator, the
// route forwards through the real SQS client to a real SQS emulator (fauxqs), a consumer receives
// the message and gets it as its SQS event, and replies through the real management API.
const fauxqs = inject('wsappSqs');
const sqs = new SQSClient({
  endpoint: fauxqs.endpoint,
  region: fauxqs.region,
  credentials: fauxqs.credentials,
});
/** The forwarding route's signing key; the consumer verifies with it. */
const secret = 'forward-e2e-test-key-of-at-least-32-bytes';
let emulator: LocalServer;
let queueUrl: string;

/** The next message body on the queue (deleted from it), as the consumer Lambda would get it. */
async function receive(): Promise<string> {
  const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 5 }));
  const message = out.Messages?.[0];
  if (message === undefined) throw new Error('no message on the queue');
  await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
  return String(message.Body);
}
const logger = { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() };

beforeAll(async () => {
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('jobs') }))).QueueUrl as string;
  const app = new WebSocketApp({ store: new MemoryConnectionStore(), logger })
    .onConnect(() => undefined)
    .route(
      'submit',
      { twoWay: true }, // the client reads the taskId from the route's answer
      forward(new SqsTarget({ queueUrl, client: sqs }), {
        schema: z.object({ action: z.literal('submit'), report: z.string().min(1) }),
        transform: (body) => ({ report: body.report }),
        logger,
        secret,
      }),
    );
  emulator = await serve(app, { logger });
});
afterAll(async () => {
  await emulator?.close();
});

function open(url: string): Promise<{ ws: WebSocket; next(): Promise<Record<string, unknown>> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const inbox: Array<Record<string, unknown>> = [];
    const waiters: Array<(m: Record<string, unknown>) => void> = [];
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as Record<string, unknown>;
      const waiter = waiters.shift();
      if (waiter) waiter(message);
      else inbox.push(message);
    });
    ws.once('open', () =>
      resolve({
        ws,
        next: () => {
          const queued = inbox.shift();
          return queued ? Promise.resolve(queued) : new Promise((r) => waiters.push(r));
        },
      }),
    );
    ws.once('error', reject);
  });
}

describe('forward → SQS → consumer → replyTo, end to end through @wsapp/local', () => {
  it('the client gets the acknowledgement, then progress, then the result', async () => {
    const client = await open(emulator.url);
    client.ws.send(JSON.stringify({ action: 'submit', report: 'Q3' }));
    const ack = await client.next();
    expect(ack).toEqual({ accepted: true, taskId: expect.any(String) });

    const sent = await receive();
    const body = JSON.parse(sent);
    expect(body.data).toEqual({ report: 'Q3' });
    expect(body.envelope).toMatchObject({
      routeKey: 'submit',
      endpoint: emulator.endpoint,
      taskId: ack.taskId,
    });

    // The worker Lambda: its event carries the received body; no endpoint is configured.
    const task = replyTo<{ report: string }>(sqsRecord(sent), {
      messenger: new Messenger({ logger }),
      secret,
    });
    expect(await task.send({ percent: 50 })).toBe('sent');
    expect(await task.done({ url: `s3://reports/${task.data.report}` })).toBe('sent');

    expect(await client.next()).toEqual({ type: 'progress', taskId: ack.taskId, data: { percent: 50 } });
    expect(await client.next()).toEqual({
      type: 'done',
      taskId: ack.taskId,
      data: { url: 's3://reports/Q3' },
    });
    client.ws.close();
  });

  it('a reply to a client that has gone answers gone', async () => {
    const client = await open(emulator.url);
    client.ws.send(JSON.stringify({ action: 'submit', report: 'late' }));
    await client.next();
    const sent = await receive();
    await new Promise<void>((resolve) => {
      client.ws.once('close', () => resolve());
      client.ws.close();
    });
    await vi.waitFor(() => expect(emulator.connections.size).toBe(0));
    const task = replyTo(sqsRecord(sent), {
      messenger: new Messenger({ logger }),
      secret,
    });
    expect(await task.done({ ok: true })).toBe('gone');
  });
});
