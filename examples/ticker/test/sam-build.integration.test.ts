import { MemoryConnectionStore } from '@wsapp/store-memory';
import { type SamApp, samApp } from '@wsapp/testing/sam';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTickerApp } from '../src/app.js';
import { TickerClient } from '../src/ticker-client.js';
import { issueToken } from '../src/token.js';

// The template's code path, not only its text: every function built as `sam build` builds it, and
// the WebSocket function and the authorizer run as Lambda runs them (only @aws-sdk/* on
// NODE_PATH, the template's environment) behind the emulator, the token key read from a Secrets
// Manager endpoint on loopback, connections in DynamoDB Local (samApp).
let sam: SamApp;
const clients: TickerClient[] = [];

beforeAll(async () => {
  sam = await samApp({
    template: new URL('../template.yaml', import.meta.url),
    stackName: 'wsapp-ticker',
    app: 'WebSocketFunction',
    // One process stands for both functions: each gets its own variables, which do not overlap.
    authorizer: 'AuthorizerFunction',
    routes: createTickerApp({ store: new MemoryConnectionStore() }),
    dynamodb: inject('wsappDynamoDB'),
    secrets: ['TokenSecret'],
  });
}, 180_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await sam?.close();
});

describe('the ticker as sam build builds it (template.yaml)', () => {
  it('builds every function of the template', () => {
    expect([...sam.built.keys()].sort()).toEqual([
      'AuthorizerFunction',
      'BroadcasterFunction',
      'FanOutWorkerFunction',
      'NotifyFunction',
      'WebSocketFunction',
    ]);
  });

  it('gives both served functions the template’s environment, the endpoint left to the emulator', () => {
    expect(Object.keys(sam.environment).sort()).toEqual([
      'NODE_OPTIONS',
      'STORE',
      'TABLE_NAME',
      'TOKEN_SECRET_ARN',
    ]);
  });

  it('authorizes with the key read from Secrets Manager and subscribes through the built function', async () => {
    const token = sam.secret('TokenSecret');
    await expect(
      TickerClient.open(`${sam.url}?token=${issueToken('ada', 'not-the-key-0123456789')}`),
    ).rejects.toThrow(/rejected with 401/);
    const ada = await TickerClient.open(`${sam.url}?token=${issueToken('ada', token.value)}`);
    clients.push(ada);
    expect(await ada.ask({ action: 'subscribe', symbols: ['AMZN'] })).toEqual({ subscribed: ['AMZN'] });
    // Read at run time, through the SDK, once for both connection attempts.
    expect(sam.secretsManager?.reads.get(token.arn)).toBe(1);
  });
});
