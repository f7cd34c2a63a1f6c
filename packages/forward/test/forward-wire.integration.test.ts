import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { Messenger, WebSocketApp } from '@wsapp/core';
import {
  EventBridgeTarget,
  type ForwardedMessage,
  forward,
  readEnvelope,
  replyTo,
  SnsTarget,
  SqsTarget,
} from '@wsapp/forward';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { messageEvent, uniqueName } from '@wsapp/testing';
import type { EventBridgeEvent, SNSEventRecord } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { z } from 'zod';
import { AwsWireServer } from './aws-wire-server.js';
import { sqsRecord } from './lambda-records.js';

// SQS and SNS are the real emulator fauxqs (started by the integration global setup); the
// hand-written wire server stays for EventBridge (no emulator on npm) and the management API.
const server = new AwsWireServer();
const fauxqs = inject('wsappSqs');
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const logger = { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() };
const Job = z.object({ action: z.string(), report: z.string().min(1) });
/** The forwarding routes' signing key; the consumers verify with it. */
const secret = 'forward-wire-test-key-of-at-least-32-bytes';

let app: WebSocketApp;
let queueUrl: string;
let fifoQueueUrl: string;
let topicArn: string;
let topicQueueUrl: string;

const clientConfig = () => ({ endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1 });
const fauxqsConfig = () => ({
  endpoint: fauxqs.endpoint,
  region: fauxqs.region,
  credentials,
  maxAttempts: 1,
});
const sqs = new SQSClient(fauxqsConfig());

/** The next message on a queue (with its system attributes), within 5 s; deleted from it. */
async function take(url: string): Promise<Message> {
  const out = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      WaitTimeSeconds: 5,
      MaxNumberOfMessages: 1,
      MessageSystemAttributeNames: ['All'],
    }),
  );
  const message = out.Messages?.[0];
  if (message === undefined) throw new Error(`no message on ${url}`);
  // Deleted at once: an in-flight message blocks its FIFO group.
  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle }));
  return message;
}

async function depth(url: string): Promise<number> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0);
}

beforeAll(async () => {
  await server.start();
  const config = clientConfig();
  const name = uniqueName('jobs');
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl as string;
  fifoQueueUrl = (
    await sqs.send(new CreateQueueCommand({ QueueName: `${name}.fifo`, Attributes: { FifoQueue: 'true' } }))
  ).QueueUrl as string;
  const sns = new SNSClient(fauxqsConfig());
  topicArn = (
    await sns.send(new CreateTopicCommand({ Name: `${name}.fifo`, Attributes: { FifoTopic: 'true' } }))
  ).TopicArn as string;
  topicQueueUrl = (
    await sqs.send(
      new CreateQueueCommand({ QueueName: `${name}-topic.fifo`, Attributes: { FifoQueue: 'true' } }),
    )
  ).QueueUrl as string;
  const topicQueueArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: topicQueueUrl, AttributeNames: ['QueueArn'] }))
  ).Attributes?.QueueArn;
  await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: topicQueueArn,
      Attributes: { RawMessageDelivery: 'true' },
    }),
  );
  app = new WebSocketApp({ logger });
  app.onConnect(() => undefined);
  app.route(
    'submit',
    forward(new SqsTarget({ queueUrl: fifoQueueUrl, client: sqs }), {
      schema: Job,
      transform: (body) => ({ report: body.report.toUpperCase() }),
      logger,
      secret,
    }),
  );
  app.route('plain', forward(new SqsTarget({ queueUrl, client: sqs }), { logger, secret }));
  app.route(
    'missing',
    forward(new SqsTarget({ queueUrl: `${queueUrl}-does-not-exist`, client: sqs }), { logger, secret }),
  );
  app.route(
    'wire5xx',
    forward(new SqsTarget({ queueUrl: `${server.url}/123456789012/jobs`, client: new SQSClient(config) }), {
      logger,
      secret,
    }),
  );
  app.route(
    'publish',
    forward(
      new SnsTarget({
        topicArn,
        messageGroupId: (m) => `tenant-${(m.data as { tenant: string }).tenant}`,
        client: sns,
      }),
      { logger, secret },
    ),
  );
  app.route(
    'publishMissing',
    forward(new SnsTarget({ topicArn: `${topicArn}-missing`, messageGroupId: () => 'g', client: sns }), {
      logger,
      secret,
    }),
  );
  app.route(
    'event',
    forward(
      new EventBridgeTarget({
        busName: 'reports',
        source: 'com.example.reports',
        detailType: 'ReportRequested',
        client: new EventBridgeClient(config),
      }),
      { logger, secret, taskId: (ctx) => `task-${ctx.requestId}` },
    ),
  );
});

afterAll(() => server.close());

beforeEach(() => {
  server.requests.length = 0;
  for (const key of Object.keys(server.modes)) delete server.modes[key as keyof typeof server.modes];
  server.gone.clear();
  logger.error.mockClear();
});

function submit(body: Record<string, unknown>, connectionId = 'conn-A=', requestId = 'req-1') {
  return app.resolve(messageEvent(body, { connectionId, requestId, domainName: server.host, stage: 'test' }));
}

describe('forward → SQS (fauxqs)', () => {
  it('validates, transforms, and sends the envelope with FIFO group and deduplication ids', async () => {
    const response = await submit({ action: 'submit', report: 'q3' });
    expect(response.statusCode).toBe(200);
    const answer = JSON.parse(response.body ?? '');
    expect(answer).toEqual({ accepted: true, taskId: expect.any(String) });

    const received = await take(fifoQueueUrl);
    expect(received.Attributes?.MessageGroupId).toBe('conn-A=');
    expect(received.Attributes?.MessageDeduplicationId).toBe(answer.taskId);
    const message = JSON.parse(String(received.Body)) as ForwardedMessage;
    expect(message.data).toEqual({ report: 'Q3' });
    expect(message.envelope).toEqual({
      connectionId: 'conn-A=',
      requestId: 'req-1',
      routeKey: 'submit',
      endpoint: `${server.url}/test`,
      sentAt: expect.any(Number),
      taskId: answer.taskId,
      sig: expect.stringMatching(/^f1\.[A-Za-z0-9_-]{43}$/),
    });
  });

  it('sets no FIFO fields on a standard queue and forwards the body as is', async () => {
    const response = await submit({ action: 'plain', n: 1 });
    expect(response.statusCode).toBe(200);
    const received = await take(queueUrl);
    expect(received.Attributes?.MessageGroupId).toBeUndefined();
    expect(received.Attributes?.MessageDeduplicationId).toBeUndefined();
    expect(JSON.parse(String(received.Body)).data).toEqual({ action: 'plain', n: 1 });
  });

  it("puts the app's endpoint option in the envelope (custom domains)", async () => {
    const custom = new WebSocketApp({ logger, endpoint: 'https://ws.example.com/v1' });
    custom.route('plain', forward(new SqsTarget({ queueUrl, client: sqs }), { secret }));
    const response = await custom.resolve(
      messageEvent({ action: 'plain' }, { domainName: 'ws.example.com' }),
    );
    expect(response.statusCode).toBe(200);
    const message = JSON.parse(String((await take(queueUrl)).Body)) as ForwardedMessage;
    expect(message.envelope.endpoint).toBe('https://ws.example.com/v1');
  });

  it('answers 400 without forwarding when the schema refuses the body', async () => {
    const response = await submit({ action: 'submit', report: '' });
    expect(response.statusCode).toBe(400);
    expect(await depth(fifoQueueUrl)).toBe(0);
  });

  it.each([
    ['a missing queue (fauxqs: QueueDoesNotExist)', 'missing', 'sqs:'],
    ['a 5xx (wire server: fauxqs never answers one)', 'wire5xx', 'sqs:jobs'],
  ])('answers 502 when SQS refuses: %s', async (_name, action, target) => {
    if (action === 'wire5xx') server.modes.sqs = 'server-error';
    const response = await submit({ action, report: 'q3' });
    expect(response.statusCode).toBe(502);
    const body = JSON.parse(response.body ?? '');
    expect(body.message).toBe('task could not be queued');
    expect(body.taskId).toEqual(expect.any(String));
    expect(logger.error).toHaveBeenCalledWith(
      'wsapp: the target refused the task',
      expect.objectContaining({
        target: expect.stringContaining(target),
        connectionId: 'conn-A=',
        error: expect.any(Error),
      }),
    );
  });
});

describe('forward → SNS (fauxqs, FIFO topic → FIFO queue, raw delivery)', () => {
  it('publishes the envelope with the group id function and the task id as deduplication id', async () => {
    const response = await submit({ action: 'publish', tenant: 't1' });
    expect(response.statusCode).toBe(200);
    const { taskId } = JSON.parse(response.body ?? '');
    const received = await take(topicQueueUrl);
    expect(received.Attributes?.MessageGroupId).toBe('tenant-t1');
    expect(received.Attributes?.MessageDeduplicationId).toBe(taskId);
    expect(JSON.parse(String(received.Body)).envelope.taskId).toBe(taskId);
  });

  it('answers 502 when SNS refuses (a missing topic)', async () => {
    const response = await submit({ action: 'publishMissing', tenant: 't1' });
    expect(response.statusCode).toBe(502);
    expect(logger.error).toHaveBeenCalledWith(
      'wsapp: the target refused the task',
      expect.objectContaining({ target: expect.stringContaining('sns:') }),
    );
  });
});

describe('forward → EventBridge (awsJson1_1 PutEvents)', () => {
  it('puts one event with bus, source, detail type and the envelope as detail', async () => {
    const response = await submit({ action: 'event', report: 'q4' });
    expect(JSON.parse(response.body ?? '')).toEqual({ accepted: true, taskId: 'task-req-1' });
    const [request] = server.of('eventbridge');
    expect(request?.headers['x-amz-target']).toBe('AWSEvents.PutEvents');
    const entries = request?.payload.Entries as Record<string, string>[];
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      EventBusName: 'reports',
      Source: 'com.example.reports',
      DetailType: 'ReportRequested',
    });
    const detail = JSON.parse(entries[0]?.Detail ?? '') as ForwardedMessage;
    expect(detail.envelope.taskId).toBe('task-req-1');
    expect(detail.data).toEqual({ action: 'event', report: 'q4' });
  });

  it.each(['client-error', 'partial-failure'] as const)('answers 502 on %s', async (mode) => {
    server.modes.eventbridge = mode;
    const response = await submit({ action: 'event', report: 'q4' });
    expect(response.statusCode).toBe(502);
  });
});

describe('replyTo: the consumer answers the original connection', () => {
  async function forwarded(body: Record<string, unknown>, connectionId = 'conn-A=') {
    const response = await submit(body, connectionId);
    expect(response.statusCode).toBe(200);
    const request = server.requests.at(-1);
    server.requests.length = 0;
    return request;
  }

  /** Forwards through fauxqs and answers the message body the consumer's queue received. */
  async function received(body: Record<string, unknown>, from: string, connectionId = 'conn-A=') {
    // A fresh request id: FIFO queues drop a repeated deduplication id (the task id) for 5 minutes.
    const response = await submit(body, connectionId, `req-${Math.random().toString(36).slice(2)}`);
    expect(response.statusCode).toBe(200);
    return String((await take(from)).Body);
  }

  function sentMessages() {
    return server.of('management').map((r) => ({ path: r.path, data: JSON.parse(String(r.payload.data)) }));
  }

  it('from an SQS record: progress then done, through the endpoint in the envelope', async () => {
    const record = sqsRecord(await received({ action: 'submit', report: 'q3' }, fifoQueueUrl));
    const task = replyTo<{ report: string }>(record, { messenger: new Messenger({ logger }), secret });
    expect(task.data).toEqual({ report: 'Q3' });
    expect(await task.send({ percent: 50 })).toBe('sent');
    expect(await task.done({ url: 's3://r/q3' })).toBe('sent');
    expect(sentMessages()).toEqual([
      {
        path: '/test/@connections/conn-A%3D',
        data: { type: 'progress', taskId: task.taskId, data: { percent: 50 } },
      },
      {
        path: '/test/@connections/conn-A%3D',
        data: { type: 'done', taskId: task.taskId, data: { url: 's3://r/q3' } },
      },
    ]);
  });

  it('from an SNS record, and from SNS → SQS (raw and not raw)', async () => {
    const message = await received({ action: 'publish', tenant: 't1' }, topicQueueUrl);
    const snsRecord = {
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:jobs.fifo:sub',
      Sns: {
        Type: 'Notification',
        MessageId: 'id',
        TopicArn: 'arn:aws:sns:us-east-1:123456789012:jobs.fifo',
        Subject: '',
        Message: message,
        Timestamp: new Date().toISOString(),
        SignatureVersion: '1',
        Signature: '',
        SigningCertUrl: '',
        UnsubscribeUrl: '',
        MessageAttributes: {},
      },
    } satisfies SNSEventRecord;
    const notification = JSON.stringify({ Type: 'Notification', MessageId: 'id', Message: message });
    const taskIds = [snsRecord, sqsRecord(notification), sqsRecord(message)].map(
      (source) => readEnvelope(source).envelope.taskId,
    );
    expect(new Set(taskIds).size).toBe(1);
    await replyTo(snsRecord, { messenger: new Messenger({ logger }), secret }).fail('report not found');
    expect(sentMessages()[0]?.data).toEqual({
      type: 'error',
      taskId: taskIds[0],
      error: { message: 'report not found' },
    });
  });

  it('from an EventBridge event, and EventBridge → SQS; internal errors are not leaked', async () => {
    const request = await forwarded({ action: 'event', report: 'q4' });
    const entry = (request?.payload.Entries as Record<string, string>[] | undefined)?.[0];
    const event: EventBridgeEvent<string, unknown> = {
      version: '0',
      id: 'e-1',
      'detail-type': String(entry?.DetailType),
      source: String(entry?.Source),
      account: '123456789012',
      time: new Date().toISOString(),
      region: 'us-east-1',
      resources: [],
      detail: JSON.parse(String(entry?.Detail)),
    };
    expect(readEnvelope(sqsRecord(JSON.stringify(event))).envelope.taskId).toBe('task-req-1');
    await replyTo(event, { messenger: new Messenger({ logger }), secret }).fail(
      new Error('db password wrong'),
    );
    expect(sentMessages()[0]?.data).toEqual({
      type: 'error',
      taskId: 'task-req-1',
      error: { message: 'Task failed' },
    });
  });

  it("answers 'gone' when the client left, and removes it from the store", async () => {
    const store = new MemoryConnectionStore();
    await store.register('conn-B=', { endpoint: `${server.url}/test` });
    const body = await received({ action: 'plain' }, queueUrl, 'conn-B=');
    server.gone.add('conn-B=');
    const task = replyTo(sqsRecord(body), { store, logger, secret });
    expect(await task.done('finished')).toBe('gone');
    expect(await store.get('conn-B=')).toBeUndefined();
  });
});
