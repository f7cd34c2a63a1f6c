import type { ConnectionStore } from '@wsapp/core';
import { serve } from '@wsapp/local';
import { uniqueName } from '@wsapp/testing';
import { describe, expect, inject, it, vi } from 'vitest';
import { createTickerApp } from '../src/app.js';
import { eventBridgeEvent, sqsEvent } from '../src/aws-events.js';
import { createPriceBroadcaster } from '../src/broadcaster.js';
import { localAuthorizer } from '../src/local-authorizer.js';
import { createNotifier } from '../src/notify.js';
import { PRICE_DETAIL_TYPE, PRICE_SOURCE } from '../src/prices.js';
import { createStore } from '../src/store.js';
import { TickerClient } from '../src/ticker-client.js';
import { issueToken } from '../src/token.js';

// The ticker runs unchanged on each real backend, chosen the way the deployed functions choose it.
const backends: Array<[string, () => NodeJS.ProcessEnv]> = [
  [
    'redis',
    () => ({ STORE: 'redis', REDIS_URL: inject('wsappRedisUrl'), KEY_PREFIX: `${uniqueName('ticker')}:` }),
  ],
  [
    'dynamodb',
    () => ({
      STORE: 'dynamodb',
      DYNAMODB_ENDPOINT: inject('wsappDynamoDB').endpoint,
      AWS_REGION: inject('wsappDynamoDB').region,
      TABLE_NAME: uniqueName('ticker'),
    }),
  ],
];
const secret = 'integration test secret';
const isType = (type: string) => (m: unknown) => (m as { type?: unknown }).type === type;

describe.each(backends)('ticker on %s', (_name, env) => {
  it('EventBridge and SQS prices reach only their subscribers; notify reaches only its user', async () => {
    const store: ConnectionStore & { close?: () => Promise<void> } = await createStore(env());
    const logger = { error: vi.fn(), warn: vi.fn(), info: vi.fn() };
    const app = createTickerApp({ store, logger });
    const server = await serve(app, { authorizer: localAuthorizer(secret), logger });
    const broadcaster = createPriceBroadcaster({ messaging: app, logger });
    try {
      const ada = await TickerClient.open(`${server.url}?token=${issueToken('ada', secret)}`);
      const bob = await TickerClient.open(`${server.url}?token=${issueToken('bob', secret)}`);
      await ada.ask({ action: 'subscribe', symbols: ['AMZN'] });
      await bob.ask({ action: 'subscribe', symbols: ['MSFT'] });

      await broadcaster.handler(
        eventBridgeEvent(PRICE_DETAIL_TYPE, PRICE_SOURCE, { symbol: 'AMZN', price: 1 }),
      );
      expect(await broadcaster.handler(sqsEvent([{ symbol: 'MSFT', price: 2 }]))).toEqual({
        batchItemFailures: [],
      });
      const notified = await createNotifier({ messaging: app, logger })({ userId: 'bob', data: { n: 1 } });
      expect(notified.report.delivered).toBe(1);
      await bob.waitFor(isType('notification'));
      // A round trip per socket: anything posted to it earlier has arrived by then.
      await ada.ask({ action: 'unsubscribe', symbols: ['ZZZZ'] });
      await bob.ask({ action: 'unsubscribe', symbols: ['ZZZZ'] });

      expect(ada.received.filter(isType('price'))).toEqual([
        expect.objectContaining({ symbol: 'AMZN', price: 1 }),
      ]);
      expect(bob.received.filter(isType('price'))).toEqual([
        expect.objectContaining({ symbol: 'MSFT', price: 2 }),
      ]);
      expect(ada.received.filter(isType('notification'))).toEqual([]);

      await Promise.all([ada.close(), bob.close()]);
      await vi.waitFor(async () => expect((await store.members('ticker#AMZN')).connectionIds).toEqual([]));
      expect((await store.members('user#bob')).connectionIds).toEqual([]);
      expect(logger.error).not.toHaveBeenCalled();
    } finally {
      await server.close();
      await store.close?.();
    }
  });
});
