import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { MemoryConnectionStore } from '@wsapp/store-memory';
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
import { createTickerApp } from '../src/app.js';
import { TickerClient } from '../src/ticker-client.js';
import { issueToken } from '../src/token.js';

// The template's code path, not only its text: every function built as `sam build` builds it, and
// the WebSocket function and the authorizer run as Lambda runs them (only @aws-sdk/* on
// NODE_PATH, the template's environment) behind the emulator, the token key read from a Secrets
// Manager endpoint on loopback, connections in DynamoDB Local.
const root = new URL('../', import.meta.url);
const template = loadTemplate(new URL('template.yaml', root));
const functions = resourcesOfType(template, 'AWS::Serverless::Function');

let outdir: string;
let sm: SecretsManagerServer;
let server: BuiltFunctionsServer | undefined;
let tokenKey: string;
let tokenArn: string;
const clients: TickerClient[] = [];

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'wsapp-ticker-sam-'));
  const built = new Map(
    await Promise.all(
      functions.map(
        async (id) =>
          [id, await buildSamFunction(template, id, { codeRoot: root, outdir: join(outdir, id) })] as const,
      ),
    ),
  );
  const dynamo = inject('wsappDynamoDB');
  const client = new DynamoDBClient(dynamo);
  const table = template.Resources.ConnectionsTable?.Properties ?? {};
  const tableName = uniqueName('ticker-sam');
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: table.KeySchema as never,
      AttributeDefinitions: table.AttributeDefinitions as never,
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: tableName });
  client.destroy();

  sm = await startSecretsManager();
  tokenKey = randomBytes(32).toString('hex');
  tokenArn = sm.put('wsapp-ticker-token-key', tokenKey);
  const values = {
    resources: { ConnectionsTable: tableName, TokenSecret: tokenArn, WebSocketApi: 'api' },
    others: { 'AWS::Region': dynamo.region, 'AWS::URLSuffix': 'amazonaws.com' },
  };
  // One process stands for both functions: each gets its own variables, which do not overlap.
  const { WS_ENDPOINT: _endpoint, ...environment } = {
    ...functionEnvironment(template, 'WebSocketFunction', values),
    ...functionEnvironment(template, 'AuthorizerFunction', values),
  };
  expect(Object.keys(environment).sort()).toEqual([
    'NODE_OPTIONS',
    'STORE',
    'TABLE_NAME',
    'TOKEN_SECRET_ARN',
  ]);
  const app = built.get('WebSocketFunction');
  const authorizer = built.get('AuthorizerFunction');
  if (app === undefined || authorizer === undefined) throw new Error('functions missing from the template');
  const routes = createTickerApp({ store: new MemoryConnectionStore() });
  server = await serveBuiltFunctions({
    app,
    authorizer,
    stage: String(template.Parameters?.StageName?.Default),
    routes: ['$connect', '$disconnect', ...routes.routeKeys],
    twoWayRoutes: routes.twoWayRouteKeys,
    environment: {
      ...environment,
      AWS_LAMBDA_FUNCTION_NAME: 'wsapp-ticker-WebSocketFunction',
      AWS_REGION: dynamo.region,
      AWS_ACCESS_KEY_ID: dynamo.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: dynamo.credentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
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
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await server?.close();
  await sm?.close();
  if (outdir !== undefined) rmSync(outdir, { recursive: true, force: true });
});

describe('the ticker as sam build builds it (template.yaml)', () => {
  it('builds every function of the template', () => {
    expect(functions.sort()).toEqual([
      'AuthorizerFunction',
      'BroadcasterFunction',
      'FanOutWorkerFunction',
      'NotifyFunction',
      'WebSocketFunction',
    ]);
  });

  it('authorizes with the key read from Secrets Manager and subscribes through the built function', async () => {
    const url = server?.url ?? '';
    await expect(
      TickerClient.open(`${url}?token=${issueToken('ada', 'not-the-key-0123456789')}`),
    ).rejects.toThrow(/rejected with 401/);
    const ada = await TickerClient.open(`${url}?token=${issueToken('ada', tokenKey)}`);
    clients.push(ada);
    expect(await ada.ask({ action: 'subscribe', symbols: ['AMZN'] })).toEqual({ subscribed: ['AMZN'] });
    // Read at run time, through the SDK, once for both connection attempts.
    expect(sm.reads.get(tokenArn)).toBe(1);
  });
});
