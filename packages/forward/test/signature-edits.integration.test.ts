import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { Messenger, WebSocketApp, WsappError } from '@wsapp/core';
import { forward, replyTo, SqsTarget } from '@wsapp/forward';
import { type LocalServer, serve } from '@wsapp/local';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { uniqueName } from '@wsapp/testing';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import WebSocket from 'ws';
import { sqsRecord } from './lambda-records.js';

// The forward README: `sig` is `f1.` + base64url HMAC-SHA256 over the envelope and the data, and
// replyTo refuses a record "forged, edited — connection, endpoint, task id or data". So no edit of
// a record the route signed may verify: not another spelling of the signature (base64url has one
// spelling per value: no padding, no `+`/`/`, zero trailing bits), and not a value JSON cannot
// carry exactly (`1e400` reads as Infinity where the route signed null, `-0` where it signed 0).
// On real parts: the app forwards through the real SQS client to fauxqs, a client submits through
// the emulator, the edits are made to the queued text and sent back to the queue, and the consumer
// answers what it receives through the emulator's management API.
const fauxqs = inject('wsappSqs');
const sqs = new SQSClient({
  endpoint: fauxqs.endpoint,
  region: fauxqs.region,
  credentials: fauxqs.credentials,
});
const SECRET = 'signature-edits-test-key-of-at-least-32-bytes';
const logger = { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() };
let emulator: LocalServer;
let queueUrl: string;

beforeAll(async () => {
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('signature-edits') })))
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
async function drain(expected: number, rounds = 10): Promise<string[]> {
  const bodies: string[] = [];
  for (let round = 0; round < rounds && bodies.length < expected; round++) {
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

/** A client that submits `text` (a raw frame) and receives its answer. */
async function submit(text: string): Promise<{ ws: WebSocket; frames: Record<string, unknown>[] }> {
  const ws = new WebSocket(emulator.url);
  const frames: Record<string, unknown>[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data))));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.send(text);
  await vi.waitFor(() => expect(frames).toHaveLength(1));
  return { ws, frames };
}

/** Puts each text on the queue, receives them as the consumer does, and answers each with replyTo. */
async function consume(texts: readonly string[]): Promise<string[]> {
  for (const text of texts) await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: text }));
  const received = await drain(texts.length);
  expect(received.sort()).toEqual([...texts].sort());
  const messenger = new Messenger({ logger });
  const outcomes: string[] = [];
  for (const text of texts) {
    try {
      const task = replyTo<Record<string, unknown>>(sqsRecord(text), { messenger, secret: SECRET });
      outcomes.push(`${await task.done({ got: task.data })}`);
    } catch (error) {
      if (!WsappError.is(error, 'TaskSignature')) throw error;
      outcomes.push(`refused:${(error as WsappError & { reason: string }).reason}`);
    }
  }
  return outcomes;
}

/** Other spellings of the same bytes: trailing bits set, padding, standard base64's `+` and `/`. */
function respellings(sig: string): string[] {
  const b64url = sig.slice(3);
  const bytes = Buffer.from(b64url, 'base64url');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(b64url.slice(-1));
  // 32 bytes are 256 bits; 43 characters carry 258: the last character's two low bits are spare.
  const trailing = [1, 2, 3].map((bits) => b64url.slice(0, -1) + alphabet[last | bits]);
  const standard = bytes.toString('base64');
  const spellings = [...trailing, `${b64url}=`, standard, standard.replace(/=+$/, '')].map((s) => `f1.${s}`);
  for (const s of spellings) expect(Buffer.from(s.slice(3), 'base64url').equals(bytes)).toBe(true);
  return [...new Set(spellings)].filter((s) => s !== sig);
}

describe('an edit of a record the route signed never verifies', () => {
  it('every other spelling of the signature (trailing bits, padding, + and /) is refused', async () => {
    const client = await submit(JSON.stringify({ action: 'submit', report: 'q3' }));
    const { taskId } = client.frames[0] as { taskId: string };
    const [original] = await drain(1);
    const sig = JSON.parse(String(original)).envelope.sig as string;
    const edits = respellings(sig).map((s) => String(original).replace(sig, s));
    expect(edits.length).toBeGreaterThanOrEqual(4);
    const outcomes = await consume(edits);
    expect(outcomes).toEqual(edits.map(() => 'refused:invalid'));
    // The route's own spelling is answered: once, to the submitting client.
    expect(await consume([String(original)])).toEqual(['sent']);
    await vi.waitFor(() => expect(client.frames).toHaveLength(2));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(client.frames.slice(1)).toEqual([
      { type: 'done', taskId, data: { got: { action: 'submit', report: 'q3' } } },
    ]);
    client.ws.close();
  });

  it.each([
    ['null edited to 1e400 (read as Infinity)', '"limit":null', '"limit":1e400'],
    ['null edited to -1e400', '"limit":null', '"limit":-1e400'],
    ['0 edited to -0', '"offset":0', '"offset":-0'],
    ['0 edited to -0.0', '"offset":0', '"offset":-0.0'],
  ])('%s is refused', async (_what, from, to) => {
    const client = await submit(JSON.stringify({ action: 'submit', report: 'q3', limit: null, offset: 0 }));
    const [original] = await drain(1);
    expect(String(original)).toContain(from);
    const edited = String(original).replace(from, to);
    expect(await consume([edited])).toEqual(['refused:invalid']);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(client.frames).toHaveLength(1); // nothing but the route's ack
    client.ws.close();
  });
});

describe('the route signs only values JSON carries exactly', () => {
  it.each([
    ['a number out of range (1e400)', '{"action":"submit","limit":1e400}'],
    ['-0', '{"action":"submit","offset":-0}'],
    ['a lone surrogate in a value', '{"action":"submit","report":"\\ud800"}'],
    ['a lone surrogate in a key', '{"action":"submit","\\udc00":1}'],
  ])('a body holding %s is refused with 400 and nothing is queued', async (_what, text) => {
    const client = await submit(text);
    expect(client.frames[0]).toMatchObject({ message: expect.stringMatching(/cannot be signed/) });
    expect(await drain(1, 2)).toEqual([]); // 2 s of long polls
    client.ws.close();
  });
});
