import type { FanOutResult, LambdaContext, Logger, Messenger, SqsOptions } from '@wsapp/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { PriceEvent } from './broadcaster.js';
import { tickerChannel } from './channels.js';
import { forEachPrice } from './price-batch.js';
import { PriceTick, priceMessage } from './prices.js';

/** What plans fan-outs: a `WebSocketApp` (`app.fanOut`) or a `Messenger`. */
export type FansOut = Pick<Messenger, 'fanOut'>;

/** Options of {@link createPriceFanOut} (`sqs`: a client for the queue; default one from the Lambda's environment). */
export interface PriceFanOutOptions extends SqsOptions {
  /** `app.fanOut` of the ticker app, or a `Messenger` over the same store. */
  messaging: FansOut;
  /** The fan-out queue the worker function reads. */
  queueUrl: string;
  /** Slices per symbol channel: how many workers can deliver one price in parallel (default 8). */
  slices?: number;
  /** Where plans and rejected events are logged; `console` by default. */
  logger?: Logger;
}

/** One price planned as parallel tasks. */
export interface FanOutPlan {
  symbol: string;
  price: number;
  plan: FanOutResult;
}

/**
 * The broadcaster's fan-out path, for symbols with more subscribers than one invocation reaches in
 * time: the price is encoded once, with the broadcast id in it (`id`, for clients to drop a copy a
 * redelivery repeats), and enqueued as one task per slice of the symbol's channel; the fan-out
 * worker function delivers them.
 */
export function createPriceFanOut(options: PriceFanOutOptions) {
  const logger = options.logger ?? console;
  const plan = async (tick: PriceTick, time: string): Promise<FanOutPlan> => {
    const result = await options.messaging.fanOut(
      { channels: [tickerChannel(tick.symbol)] },
      (id) => ({ ...priceMessage(tick, time), id }),
      {
        queueUrl: options.queueUrl,
        slices: options.slices,
        sqs: options.sqs,
      },
    );
    logger.info?.('ticker: price fan-out planned', { symbol: tick.symbol, ...result });
    return { symbol: tick.symbol, price: tick.price, plan: result };
  };

  /** EventBridge target: one price in `detail`. */
  async function onEvent(event: PriceEvent, _context?: LambdaContext): Promise<FanOutPlan> {
    const parsed = PriceTick.safeParse(event.detail);
    if (!parsed.success) throw new TypeError(`invalid price event ${event.id}: ${parsed.error.message}`);
    return plan(parsed.data, event.time);
  }

  /** SQS price messages (the price itself as the body); invalid bodies are dropped, failed plans retried. */
  async function onMessages(event: SQSEvent): Promise<SQSBatchResponse> {
    return forEachPrice(
      event,
      logger,
      (record) => {
        try {
          return PriceTick.parse(JSON.parse(record.body));
        } catch {
          return undefined;
        }
      },
      (tick, record) =>
        plan(tick, new Date(Number(record.attributes.SentTimestamp) || Date.now()).toISOString()),
      'fan-out',
    );
  }

  return {
    onEvent,
    onMessages,
    handler: (event: PriceEvent | SQSEvent, context?: LambdaContext) =>
      Array.isArray((event as Partial<SQSEvent>).Records)
        ? onMessages(event as SQSEvent)
        : onEvent(event as PriceEvent, context),
  };
}
