import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { readEnvelope } from '@wsapp/forward';
import { type SecretsManagerServer, startSecretsManager, uniqueName } from '@wsapp/testing';
import {
  type BuiltFunctionsServer,
  buildSamFunction,
  functionEnvironment,
  lambdaRuntimeModules,
  loadTemplate,
  resourcesOfType,
  serveBuiltFunctions,
} from '@wsapp/testing/sam';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { createLongTaskApp } from '../src/app.js';

// The template's code path, not only its text: every function built as `sam build` builds it, and
// the WebSocket function and the authorizer run as Lambda runs them (only @aws-sdk/* on
// NODE_PATH, the template's environment) behind the emulator, with the envelope key read from a
// Secrets Manager endpoint on loopback, the job queue in the SQS emulator and connections in
// DynamoDB Local.
const root = new URL('../', import.meta.url);
const template = loadTemplate(new URL('template.yaml', root));
const functions = resourcesOfType(template, 'AWS::Serverless::Function');

let outdir: string;
let sm: SecretsManagerServer;
let sqs: SQSClient;
let queueUrl: string;
let server: BuiltFunctionsServer | undefined;
let key: string;
let keyArn: string;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'wsapp-long-task-sam-'));
  const built = new Map(
    await Promise.all(
      functions.map(
        async (id) =>
          [id, await buildSamFunction(template, id, { codeRoot: root, outdir: join(outdir, id) })] as const,
      ),
    ),
  );
  const dynamo = inject('wsappDynamoDB');
  const db = new DynamoDBClient(dynamo);
  const table = template.Resources.ConnectionsTable?.Properties ?? {};
  const tableName = uniqueName('long-task-sam');
  await db.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: table.KeySchema as never,
      AttributeDefinitions: table.AttributeDefinitions as never,
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await waitUntilTableExists({ client: db, maxWaitTime: 30 }, { TableName: tableName });
  db.destroy();
  const sqsEnv = inject('wsappSqs');
  sqs = new SQSClient(sqsEnv);
  const created = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('long-task-jobs') }));
  queueUrl = created.QueueUrl ?? '';

  sm = await startSecretsManager();
  key = randomBytes(32).toString('hex');
  keyArn = sm.put('wsapp-long-task-forward-key', key);
  const { WS_ENDPOINT: _endpoint, ...environment } = functionEnvironment(template, 'AppFunction', {
    resources: {
      ConnectionsTable: tableName,
      ForwardSecret: keyArn,
      JobsQueue: queueUrl,
      WebSocketApi: 'api',
    },
    others: { 'AWS::Region': dynamo.region, 'AWS::URLSuffix': 'amazonaws.com' },
  });
  expect(Object.keys(environment).sort()).toEqual([
    'FORWARD_SECRET_ARN',
    'NODE_OPTIONS',
    'QUEUE_URL',
    'STORE',
    'TABLE_NAME',
  ]);
  const app = built.get('AppFunction');
  const authorizer = built.get('AuthorizerFunction');
  if (app === undefined || authorizer === undefined) throw new Error('functions missing from the template');
  const routes = createLongTaskApp({ target: { name: 'unused', put: async () => undefined }, secret: key });
  server = await serveBuiltFunctions({
    app,
    authorizer,
    stage: String(template.Parameters?.StageName?.Default),
    routes: ['$connect', '$disconnect', ...routes.routeKeys],
    twoWayRoutes: routes.twoWayRouteKeys,
    environment: {
      ...environment,
      // The queue URL's host, sqs.<region>.localhost, resolves to the emulator (see the fixture).
      NODE_OPTIONS: `${environment.NODE_OPTIONS} --import=${new URL('fixtures/localhost-dns.mjs', import.meta.url)}`,
      AWS_LAMBDA_FUNCTION_NAME: 'wsapp-long-task-AppFunction',
      AWS_REGION: dynamo.region,
      AWS_ACCESS_KEY_ID: dynamo.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: dynamo.credentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SQS: sqsEnv.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
    },
    nodePath: lambdaRuntimeModules(
      outdir,
      [...built.values()].map((b) => b.file),
      fileURLToPath(root),
    ),
  });
}, 180_000);

afterAll(async () => {
  for (const socket of sockets) socket.terminate();
  await server?.close();
  await sm?.close();
  sqs?.destroy();
  if (outdir !== undefined) rmSync(outdir, { recursive: true, force: true });
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
    expect(functions.sort()).toEqual(['AppFunction', 'AuthorizerFunction', 'WorkerFunction']);
  });

  it('accepts a submit and queues a task signed with the key read from Secrets Manager', async () => {
    const url = server?.url ?? '';
    await expect(open(url)).rejects.toThrow(/rejected with 401/);
    const ada = await open(`${url}?name=ada`);
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
    const task = readEnvelope<{ report: string; rows: number }>(body, { secret: key });
    expect(task.data).toEqual({ report: 'sales', rows: 1000 });
    expect(() => readEnvelope(body, { secret: 'x'.repeat(64) })).toThrow();
    expect(sm.reads.get(keyArn)).toBe(1);
  });
});
