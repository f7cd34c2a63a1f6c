import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { Messenger, WebSocketApp } from '@wsapp/core';
import { forward, replyTo, SqsTarget, TaskSignatureError } from '@wsapp/forward';
import { type LocalServer, serve } from '@wsapp/local';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { uniqueName } from '@wsapp/testing';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import WebSocket from 'ws';
import { sqsRecord } from './lambda-records.js';

// Issue 26 item 16, on real parts: the app forwards through the real SQS client to fauxqs; another
// producer writes to the same queue; the consumer receives every message as its SQS event and
// answers with replyTo through the emulator's management API. Only what the route signed is
// answered; a replayed record is answered again, visibly (the same taskId).
const fauxqs = inject('wsappSqs');
const sqs = new SQSClient({
  endpoint: fauxqs.endpoint,
  region: fauxqs.region,
  credentials: fauxqs.credentials,
});
const SECRET = 'forward-signing-test-key-of-at-least-32-bytes';
const logger = { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() };
let emulator: LocalServer;
let queueUrl: string;

beforeAll(async () => {
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('signed-jobs') })))
    .QueueUrl as string;
  const app = new WebSocketApp({ store: new MemoryConnectionStore(), logger })
    .onConnect(() => undefined)
    .route(
      'submit',
      { twoWay: true },
      forward(new SqsTarget({ queueUrl, client: sqs }), { secret: SECRET, logger }),
    );
  emulator = await serve(app, { logger });
});
afterAll(async () => {
  await emulator?.close();
});

/** Every message now on the queue (deleted), as the consumer Lambda's SQS event would carry them. */
async function drain(expected: number): Promise<string[]> {
  const bodies: string[] = [];
  for (let round = 0; round < 20 && bodies.length < expected; round++) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }),
    );
    for (const message of out.Messages ?? []) {
      bodies.push(String(message.Body));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
  }
  return bodies;
}

/** A WebSocket client queuing what it receives. */
async function open(): Promise<{ ws: WebSocket; frames: Record<string, unknown>[] }> {
  const ws = new WebSocket(emulator.url);
  const frames: Record<string, unknown>[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data))));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return { ws, frames };
}

describe('replyTo answers only what the forwarding route signed', () => {
  it('a record another producer put on the queue is refused; the route’s own is answered', async () => {
    const victim = await open();
    victim.ws.send(JSON.stringify({ action: 'submit', report: 'q3' }));
    await vi.waitFor(() => expect(victim.frames).toHaveLength(1));
    const ack = victim.frames[0] as { accepted: boolean; taskId: string };
    expect(ack.accepted).toBe(true);
    const connectionId = emulator.connections.ids()[0] as string;

    // Another producer on the same queue writes user-made JSON naming the victim's connection.
    const forgedEnvelope = {
      connectionId,
      requestId: 'r',
      routeKey: 'submit',
      endpoint: emulator.endpoint,
      sentAt: Date.now(),
      taskId: 'forged',
    };
    const forged = [
      { envelope: forgedEnvelope, data: { report: 'yours' } },
      { envelope: { ...forgedEnvelope, sig: `f1.${'A'.repeat(43)}` }, data: { report: 'yours' } },
    ];
    for (const message of forged) {
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message) }));
    }

    const bodies = await drain(3);
    expect(bodies).toHaveLength(3);
    const messenger = new Messenger({ logger });
    const outcomes: string[] = [];
    for (const body of bodies) {
      try {
        const task = replyTo(sqsRecord(body), { messenger, secret: SECRET });
        outcomes.push(`${await task.done({ ok: true })}:${task.taskId}`);
      } catch (error) {
        if (!(error instanceof TaskSignatureError)) throw error;
        outcomes.push(`refused:${error.reason}`);
      }
    }
    expect(outcomes.sort()).toEqual([`sent:${ack.taskId}`, 'refused:invalid', 'refused:missing'].sort());
    await vi.waitFor(() => expect(victim.frames).toHaveLength(2));
    expect(victim.frames[1]).toEqual({ type: 'done', taskId: ack.taskId, data: { ok: true } });
    // Nothing else reached the victim: one management call was made.
    expect(emulator.stats.count({ method: 'POST' })).toBe(1);
    victim.ws.close();
  });

  it('a replayed signed record is answered again, with the same taskId for the client to dedupe', async () => {
    emulator.stats.reset();
    const client = await open();
    client.ws.send(JSON.stringify({ action: 'submit', report: 'q4' }));
    await vi.waitFor(() => expect(client.frames).toHaveLength(1));
    const { taskId } = client.frames[0] as { taskId: string };
    const [original] = await drain(1);
    // Whoever can write to the queue resends the record as is (SQS itself may redeliver it too).
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: String(original) }));
    const [replayed] = await drain(1);
    expect(replayed).toBe(original);
    const messenger = new Messenger({ logger });
    for (const body of [original, replayed]) {
      await replyTo(sqsRecord(String(body)), { messenger, secret: SECRET }).done({ url: 's3://r/q4' });
    }
    await vi.waitFor(() => expect(client.frames).toHaveLength(3));
    expect(client.frames.slice(1)).toEqual([
      { type: 'done', taskId, data: { url: 's3://r/q4' } },
      { type: 'done', taskId, data: { url: 's3://r/q4' } },
    ]);
    client.ws.close();
  });
});
