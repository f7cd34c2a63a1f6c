import { join } from 'node:path';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { type SamApp, samApp } from '@wsapp/testing/sam';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createChatApp } from '../src/app.js';
import { chatRoundTrip } from './chat-round-trip.js';

// Proves the SAM template's code path, not only its text: each function is built the way
// `sam build` builds it (the esbuild command line its Metadata gives, see samEsbuildArguments),
// and the built files run as Lambda runs them — CommonJS, only @aws-sdk/* on NODE_PATH, the
// environment the template gives the function — behind the emulator, against DynamoDB Local (the
// table as the template defines it) and a Secrets Manager endpoint on loopback (samApp).
let sam: SamApp;

beforeAll(async () => {
  sam = await samApp({
    template: new URL('../template.yaml', import.meta.url),
    stackName: 'wsapp-chat',
    app: 'WebSocketFunction',
    authorizer: 'AuthorizerFunction',
    functions: ['WebSocketFunction', 'AuthorizerFunction'],
    routes: createChatApp({ store: new MemoryConnectionStore(), sessions: { secret: 'x'.repeat(32) } }),
    // StoreBackend=dynamodb (the default).
    dynamodb: inject('wsappDynamoDB'),
    secrets: ['SessionSecret'],
  });
}, 180_000);

afterAll(() => sam?.close());

describe('the chat as sam build builds it (template.yaml)', () => {
  it('gives the function the template’s environment, the endpoint left to the emulator', () => {
    expect(Object.keys(sam.environment).sort()).toEqual([
      'NODE_OPTIONS',
      'SESSION_SECRET_ARN',
      'STORE',
      'TABLE_NAME',
    ]);
  });

  it('builds with the template’s esbuild properties: CommonJS for node24, the SDK left to the runtime', () => {
    const app = sam.built.get('WebSocketFunction');
    expect(app?.args).toEqual(
      expect.arrayContaining([
        '--format=cjs',
        '--target=node24',
        '--external:@aws-sdk/*',
        '--supported:dynamic-import=false',
      ]),
    );
    expect(app?.file).toBe(join(sam.outdir, 'WebSocketFunction', 'websocket.js'));
  });

  it('connects, joins and says; the other member receives it; the session key came from Secrets Manager, once', async () => {
    await chatRoundTrip(sam.url, 'hello from sam build');
    expect(sam.secretsManager?.reads.get(sam.secret('SessionSecret').arn)).toBe(1);
  });
});
