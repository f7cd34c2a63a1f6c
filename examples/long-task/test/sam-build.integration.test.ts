import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { readEnvelope } from '@wsapp/forward';
import { uniqueName } from '@wsapp/testing';
import { type SamApp, samApp } from '@wsapp/testing/sam';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { createLongTaskApp } from '../src/app.js';

// The template's code path, not only its text: every function built as `sam build` builds it, and
// the WebSocket function and the authorizer run as Lambda runs them (only @aws-sdk/* on
// NODE_PATH, the template's environment) behind the emulator, with the envelope key read from a
// Secrets Manager endpoint on loopback, the job queue in the SQS emulator and connections in
// DynamoDB Local (samApp).
let sam: SamApp;
let sqs: SQSClient;
let queueUrl: string;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  const sqsEnv = inject('wsappSqs');
  sqs = new SQSClient(sqsEnv);
  const created = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('long-task-jobs') }));
  queueUrl = created.QueueUrl ?? '';
  sam = await samApp({
    template: new URL('../template.yaml', import.meta.url),
    stackName: 'wsapp-long-task',
    app: 'AppFunction',
    authorizer: 'AuthorizerFunction',
    routes: createLongTaskApp({
      target: { name: 'unused', put: async () => undefined },
      secret: 'x'.repeat(64),
    }),
    dynamodb: inject('wsappDynamoDB'),
    secrets: ['ForwardSecret'],
    endpoints: { SQS: sqsEnv.endpoint },
    values: { resources: { JobsQueue: queueUrl } },
    environment: (template) => ({
      // The queue URL's host, sqs.<region>.localhost, resolves to the emulator (see the fixture).
      NODE_OPTIONS: `${template.NODE_OPTIONS} --import=${new URL('fixtures/localhost-dns.mjs', import.meta.url)}`,
    }),
  });
}, 180_000);

afterAll(async () => {
  for (const socket of sockets) socket.terminate();
  await sam?.close();
  sqs?.destroy();
});

/** Opens a socket; rejects with the upgrade's status when it is refused. */
function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    sockets.push(socket);
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_req, res) => reject(new Error(`rejected with ${res.statusCode}`)));
    socket.once('error', reject);
  });
}

describe('the long-task example as sam build builds it (template.yaml)', () => {
  it('builds every function of the template', () => {
    expect([...sam.built.keys()].sort()).toEqual(['AppFunction', 'AuthorizerFunction', 'WorkerFunction']);
  });

  it('gives the served functions the template’s environment, the endpoint left to the emulator', () => {
    expect(Object.keys(sam.environment).sort()).toEqual([
      'FORWARD_SECRET_ARN',
      'NODE_OPTIONS',
      'QUEUE_URL',
      'STORE',
      'TABLE_NAME',
    ]);
  });

  it('accepts a submit and queues a task signed with the key read from Secrets Manager', async () => {
    const key = sam.secret('ForwardSecret');
    await expect(open(sam.url)).rejects.toThrow(/rejected with 401/);
    const ada = await open(`${sam.url}?name=ada`);
    const answer = new Promise<Record<string, unknown>>((resolve) =>
      ada.once('message', (data) => resolve(JSON.parse(String(data)) as Record<string, unknown>)),
    );
    ada.send(JSON.stringify({ action: 'submit', report: 'sales', rows: 1000 }));
    const accepted = await answer;
    expect(accepted).toEqual({ accepted: true, taskId: expect.any(String) });
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 5 }),
    );
    const body = received.Messages?.[0]?.Body ?? '';
    // Signed with the key the function read (readEnvelope throws on a bad signature).
    const task = readEnvelope<{ report: string; rows: number }>(body, { secret: key.value });
    expect(task.data).toEqual({ report: 'sales', rows: 1000 });
    expect(() => readEnvelope(body, { secret: 'x'.repeat(64) })).toThrow();
    expect(sam.secretsManager?.reads.get(key.arn)).toBe(1);
  });
});
