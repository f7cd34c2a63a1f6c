import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type SecretsManagerServer, startSecretsManager } from '@wsapp/testing';
import {
  type BuiltFunctionsServer,
  createTemplateTables,
  lambdaRuntimeModules,
  serveBuiltFunctions,
} from '@wsapp/testing/sam';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chatRoundTrip } from './chat-round-trip.js';
import { readAssembly, type SynthesizedChat } from './deployed/cloud-assembly.js';
import { guideCommands } from './deployed/guide.js';

// Proves the asset, not just the template: the chat is synthesized with the command docs/deploy.md
// gives, and the bundled code CDK would upload runs as Lambda would run it, behind the emulator,
// against DynamoDB Local (the table made from the synthesized definition) and a Secrets
// Manager-compatible endpoint on loopback holding the session key.
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const chatDir = fileURLToPath(new URL('../', import.meta.url));
const run = promisify(execFile);

let outdir: string;
let chat: SynthesizedChat;
let synthSeconds: number;

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'wsapp-chat-cdk-'));
  const started = performance.now();
  // The guide's command as printed, from the repository root; CDK_OUTDIR honoured.
  const synth = guideCommands('CDK').find((command) => command.endsWith(' synth'));
  const [tool, ...args] = (synth ?? 'missing synth command').split(' ');
  await run(tool as string, args, {
    cwd: repo,
    env: { ...process.env, CDK_OUTDIR: outdir },
    timeout: 240_000,
  });
  synthSeconds = (performance.now() - started) / 1000;
  chat = readAssembly(outdir);
}, 300_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('the synthesized chat (cdk.out)', () => {
  it('declares the app routes, with route responses for the two-way ones', () => {
    console.log(
      `synth: ${synthSeconds.toFixed(1)} s; app bundle ${statSync(chat.bundle('ChatAppFunction').file).size} bytes`,
    );
    expect(chat.routes.keys).toEqual(
      [
        '$connect',
        '$default',
        '$disconnect',
        'heartbeat',
        'join',
        'leave',
        'members',
        'resume',
        'say',
      ].sort(),
    );
    expect(chat.routes.twoWay).toEqual(
      ['$default', 'heartbeat', 'join', 'leave', 'members', 'resume', 'say'].sort(),
    );
  });

  describe('its bundled function, run as Lambda runs it', () => {
    let sm: SecretsManagerServer;
    let server: BuiltFunctionsServer | undefined;
    let url: string;
    let secretArn: string;

    beforeAll(async () => {
      const dynamo = inject('wsappDynamoDB');
      // The table exactly as the template defines it (CloudFormation would create it so).
      const tables = await createTemplateTables(chat.template, dynamo, 'chat-deployed');
      expect(tables.size).toBe(1);
      const tableName = [...tables.values()][0] as string;

      sm = await startSecretsManager();
      secretArn = sm.put('wsapp-chat-session', randomBytes(32).toString('hex'));

      const app = chat.bundle('ChatAppFunction');
      const authorizer = chat.bundle('ChatAuthorizerFunction');
      expect([app.handler, authorizer.handler]).toEqual(['handler', 'handler']);
      // The template's environment, each reference resolved to what stands in for the resource here.
      const resolved: Record<string, string> = {};
      for (const [name, value] of Object.entries(app.environment)) {
        if (typeof value === 'string') resolved[name] = value;
        else if (name === 'TABLE_NAME') resolved[name] = tableName;
        else if (name === 'SESSION_SECRET_ARN') resolved[name] = secretArn;
        else if (name !== 'WS_ENDPOINT') throw new Error(`unexpected environment reference ${name}`);
      }
      server = await serveBuiltFunctions({
        app,
        authorizer,
        stage: chat.stageName,
        routes: chat.routes.keys,
        twoWayRoutes: chat.routes.twoWay,
        environment: {
          ...resolved,
          // What Lambda sets, and the SDK's own endpoint variables for the stand-ins.
          AWS_LAMBDA_FUNCTION_NAME: 'WsappChat-ChatAppFunction',
          AWS_REGION: dynamo.region,
          AWS_ACCESS_KEY_ID: dynamo.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: dynamo.credentials.secretAccessKey,
          AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
          AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
        },
        // The Node.js runtime provides @aws-sdk/* (left out of the bundle) on NODE_PATH, and only that.
        nodePath: lambdaRuntimeModules(outdir, [app.file, authorizer.file], chatDir),
      });
      url = server.url;
    }, 120_000);

    afterAll(async () => {
      await server?.close();
      await sm?.close();
    });

    it('connects, joins and says; the other member receives it; the session key came from Secrets Manager, once', async () => {
      // The demo authorizer (its own bundle) refuses a connection without ?name=.
      await chatRoundTrip(url, 'hello from the bundle');
      // Read at run time, through the SDK, and cached: one read for every invocation so far.
      expect(sm.reads.get(secretArn)).toBe(1);
    });
  });
});
