import { describe, expect, it, vi } from 'vitest';
import { eventBridgeEvent, sqsEvent, sqsRecord } from '../src/aws-events.js';
import { createPriceBroadcaster } from '../src/broadcaster.js';
import { PRICE_DETAIL_TYPE, PRICE_SOURCE } from '../src/prices.js';
import { fakeMessaging } from './fake-messaging.js';

const logger = () => ({ error: vi.fn(), warn: vi.fn(), info: vi.fn() });
const tick = (detail: unknown) =>
  eventBridgeEvent(PRICE_DETAIL_TYPE, PRICE_SOURCE, detail, new Date('2026-11-22T19:00:00.000Z'));

describe('price broadcaster: EventBridge', () => {
  it("broadcasts the price to the symbol's channel and logs the report", async () => {
    const { messaging, sent } = fakeMessaging();
    const log = logger();
    const broadcaster = createPriceBroadcaster({ messaging, logger: log });
    const outcome = await broadcaster.handler(tick({ symbol: 'AMZN', price: 187.3 }));
    expect(sent).toEqual([
      {
        target: { channels: ['ticker#AMZN'] },
        data: { type: 'price', symbol: 'AMZN', price: 187.3, at: '2026-11-22T19:00:00Z' },
      },
    ]);
    expect(outcome).toMatchObject({ symbol: 'AMZN', price: 187.3, report: { attempted: 2, delivered: 1 } });
    expect(log.info).toHaveBeenCalledWith('ticker: price broadcast', expect.objectContaining({ gone: 1 }));
  });

  it('passes the Lambda context on, so the broadcast keeps within the deadline', async () => {
    const broadcast = vi.fn(async () => ({
      attempted: 0,
      delivered: 0,
      gone: 0,
      failed: [],
      notRemoved: [],
      messageId: 'm1',
      durationMs: 0,
    }));
    const context = { awsRequestId: 'r1', getRemainingTimeInMillis: () => 5000 };
    await createPriceBroadcaster({ messaging: { broadcast }, logger: logger() }).onEvent(
      tick({ symbol: 'MSFT', price: 1, at: '2026-11-22T18:59:59Z' }),
      context,
    );
    expect(broadcast).toHaveBeenCalledWith(
      { channels: ['ticker#MSFT'] },
      { type: 'price', symbol: 'MSFT', price: 1, at: '2026-11-22T18:59:59Z' },
      { lambdaContext: context },
    );
  });

  it.each([{ symbol: 'amzn', price: 1 }, { symbol: 'AMZN', price: -1 }, { symbol: 'AMZN' }, 'AMZN 187.3'])(
    'refuses the invalid detail %j without broadcasting',
    async (detail) => {
      const { messaging, sent } = fakeMessaging();
      await expect(
        createPriceBroadcaster({ messaging, logger: logger() }).onEvent(tick(detail)),
      ).rejects.toThrow(/invalid price event/);
      expect(sent).toEqual([]);
    },
  );
});

describe('price broadcaster: SQS', () => {
  it('broadcasts each record: plain bodies and forwarded EventBridge events', async () => {
    const { messaging, sent } = fakeMessaging();
    const response = await createPriceBroadcaster({ messaging, logger: logger() }).handler(
      sqsEvent([{ symbol: 'AMZN', price: 187.3 }, tick({ symbol: 'MSFT', price: 411.2 })]),
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(sent.map((s) => s.target)).toEqual([{ channels: ['ticker#AMZN'] }, { channels: ['ticker#MSFT'] }]);
  });

  it('drops invalid bodies and reports records whose broadcast failed for retry', async () => {
    const { messaging, sent } = fakeMessaging((target) =>
      target.channels?.includes('ticker#FAIL') ? new Error('store unavailable') : undefined,
    );
    const log = logger();
    const failing = sqsRecord({ symbol: 'FAIL', price: 1 });
    const response = await createPriceBroadcaster({ messaging, logger: log }).onMessages({
      Records: [
        sqsRecord('not json'),
        sqsRecord({ symbol: '??', price: 1 }),
        failing,
        sqsRecord({ symbol: 'AMZN', price: 2 }),
      ],
    });
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: failing.messageId }] });
    expect(sent.map((s) => s.target)).toEqual([{ channels: ['ticker#AMZN'] }]);
    expect(log.error).toHaveBeenCalledTimes(3);
  });
});
