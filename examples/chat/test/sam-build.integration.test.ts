import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type AttributeDefinition,
  CreateTableCommand,
  DynamoDBClient,
  type KeySchemaElement,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { type SecretsManagerServer, startSecretsManager, uniqueName } from '@wsapp/testing';
import {
  type BuiltFunctionsServer,
  buildSamFunction,
  functionEnvironment,
  lambdaRuntimeModules,
  loadTemplate,
  type SamBuiltFunction,
  serveBuiltFunctions,
} from '@wsapp/testing/sam';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createChatApp } from '../src/app.js';
import { ChatClient } from './chat-client.js';

// Proves the SAM template's code path, not only its text: each function is built the way
// `sam build` builds it (the esbuild command line its Metadata gives, see samEsbuildArguments),
// and the built files run as Lambda runs them — CommonJS, only @aws-sdk/* on NODE_PATH, the
// environment the template gives the function — behind the emulator, against DynamoDB Local (the
// table as the template defines it) and a Secrets Manager endpoint on loopback.
const chatDir = fileURLToPath(new URL('../', import.meta.url));
const root = new URL('../', import.meta.url);
const template = loadTemplate(new URL('template.yaml', root));

let outdir: string;
let app: SamBuiltFunction;
let authorizer: SamBuiltFunction;
let sm: SecretsManagerServer;
let server: BuiltFunctionsServer | undefined;
let url: string;
let secretArn: string;
const clients: ChatClient[] = [];

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'wsapp-chat-sam-'));
  app = await buildSamFunction(template, 'WebSocketFunction', {
    codeRoot: root,
    outdir: join(outdir, 'app'),
  });
  authorizer = await buildSamFunction(template, 'AuthorizerFunction', {
    codeRoot: root,
    outdir: join(outdir, 'authorizer'),
  });

  const dynamo = inject('wsappDynamoDB');
  const client = new DynamoDBClient(dynamo);
  const table = template.Resources.ConnectionsTable?.Properties ?? {};
  const tableName = uniqueName('chat-sam');
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: table.KeySchema as KeySchemaElement[],
      AttributeDefinitions: table.AttributeDefinitions as AttributeDefinition[],
      BillingMode: table.BillingMode as 'PAY_PER_REQUEST',
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: tableName });
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: table.TimeToLiveSpecification as { AttributeName: string; Enabled: boolean },
    }),
  );
  client.destroy();

  sm = await startSecretsManager();
  secretArn = sm.put('wsapp-chat-sam-session', randomBytes(32).toString('hex'));
  // StoreBackend=dynamodb (the default); WS_ENDPOINT becomes the emulator's endpoint in the host.
  const { WS_ENDPOINT: _endpoint, ...environment } = functionEnvironment(template, 'WebSocketFunction', {
    resources: { ConnectionsTable: tableName, SessionSecret: secretArn, WebSocketApi: 'api' },
    others: { 'AWS::Region': dynamo.region, 'AWS::URLSuffix': 'amazonaws.com' },
  });
  expect(Object.keys(environment).sort()).toEqual([
    'NODE_OPTIONS',
    'SESSION_SECRET_ARN',
    'STORE',
    'TABLE_NAME',
  ]);
  const routes = createChatApp({ store: new MemoryConnectionStore(), sessions: { secret: 'x'.repeat(32) } });
  server = await serveBuiltFunctions({
    app,
    authorizer,
    stage: String(template.Parameters?.StageName?.Default),
    routes: ['$connect', '$disconnect', ...routes.routeKeys],
    twoWayRoutes: routes.twoWayRouteKeys,
    environment: {
      ...environment,
      AWS_LAMBDA_FUNCTION_NAME: 'wsapp-chat-WebSocketFunction',
      AWS_REGION: dynamo.region,
      AWS_ACCESS_KEY_ID: dynamo.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: dynamo.credentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
    },
    // Only what the Node.js runtime provides: @aws-sdk/*.
    nodePath: lambdaRuntimeModules(outdir, [app.file, authorizer.file], chatDir),
  });
  url = server.url;
}, 180_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await server?.close();
  await sm?.close();
  if (outdir !== undefined) rmSync(outdir, { recursive: true, force: true });
});

/** The next frame matching `wanted`, skipping others, within 10 s. */
async function frame(client: ChatClient, wanted: (m: Record<string, unknown>) => boolean) {
  const deadline = Date.now() + 10_000;
  for (let skipped = 0; skipped < 20; skipped++) {
    const left = deadline - Date.now();
    const message = (await Promise.race([
      client.next(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no matching frame within 10 s')), left)),
    ])) as Record<string, unknown>;
    if (wanted(message)) return message;
  }
  throw new Error('no matching frame in 20 frames');
}

describe('the chat as sam build builds it (template.yaml)', () => {
  it('builds with the template’s esbuild properties: CommonJS for node24, the SDK left to the runtime', () => {
    expect(app.args).toEqual(
      expect.arrayContaining([
        '--format=cjs',
        '--target=node24',
        '--external:@aws-sdk/*',
        '--supported:dynamic-import=false',
      ]),
    );
    expect(app.file).toBe(join(outdir, 'app', 'websocket.js'));
  });

  it('connects, joins and says; the other member receives it; the session key came from Secrets Manager, once', async () => {
    await expect(ChatClient.open(url)).rejects.toThrow(/rejected with 401/);
    const ada = await ChatClient.open(`${url}?name=ada`);
    const bob = await ChatClient.open(`${url}?name=bob`);
    clients.push(ada, bob);
    ada.send({ action: 'join', room: 'lobby' });
    expect(await frame(ada, (m) => m.type === 'ack')).toEqual({ type: 'ack', action: 'join', room: 'lobby' });
    bob.send({ action: 'join', room: 'lobby' });
    expect(await frame(bob, (m) => m.type === 'ack')).toMatchObject({ action: 'join' });
    bob.send({ action: 'say', room: 'lobby', text: 'hello from sam build' });
    expect(await frame(bob, (m) => m.type === 'ack')).toMatchObject({ action: 'say', delivered: 1 });
    expect(await frame(ada, (m) => m.type === 'message')).toMatchObject({
      room: 'lobby',
      from: 'bob',
      text: 'hello from sam build',
    });
    expect(sm.reads.get(secretArn)).toBe(1);
  });
});
