import type { BroadcastOptions, BroadcastReport, LambdaContext, Logger, Messenger } from '@wsapp/core';
import type { EventBridgeEvent, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { tickerChannel } from './channels.js';
import { forEachPrice } from './price-batch.js';
import { PriceTick, priceMessage } from './prices.js';
import { summarizeReport } from './report-log.js';

/** What broadcasts: a `WebSocketApp` (`app.broadcast`) or a `Messenger`. */
export type Broadcasts = Pick<Messenger, 'broadcast'>;

/** An EventBridge event whose `detail` is a price update. */
export type PriceEvent = EventBridgeEvent<string, unknown>;

/** One price pushed to a symbol's subscribers. */
export interface TickOutcome {
  symbol: string;
  price: number;
  report: BroadcastReport;
}

/** Options of {@link createPriceBroadcaster}. */
export interface PriceBroadcasterOptions {
  /** `app.broadcast` of the ticker app, or a `Messenger` over the same store. */
  messaging: Broadcasts;
  /** Where reports and rejected events are logged; `console` by default. */
  logger?: Logger;
}

/** The broadcaster Lambda's handlers. */
export interface PriceBroadcaster {
  /** EventBridge target: one price in `detail`. Throws on an invalid detail (the event is not retried usefully). */
  onEvent(event: PriceEvent, context?: LambdaContext): Promise<TickOutcome>;
  /**
   * SQS event source (with `ReportBatchItemFailures`): one price per record body, either the
   * price itself or an EventBridge event forwarded to the queue. Invalid bodies are logged and
   * dropped; records whose broadcast threw are reported for retry.
   */
  onMessages(event: SQSEvent, context?: LambdaContext): Promise<SQSBatchResponse>;
  /** One entry point for both triggers, dispatching on the event's shape. */
  handler(event: PriceEvent | SQSEvent, context?: LambdaContext): Promise<TickOutcome | SQSBatchResponse>;
}

/**
 * The broadcaster Lambda: pushes each price to every subscriber of its `ticker#SYMBOL` channel and
 * logs the broadcast report (attempted, delivered, gone, failed).
 */
export function createPriceBroadcaster(options: PriceBroadcasterOptions): PriceBroadcaster {
  const logger = options.logger ?? console;

  async function push(tick: PriceTick, time: string, context?: LambdaContext): Promise<TickOutcome> {
    const broadcastOptions: BroadcastOptions = { lambdaContext: context };
    const report = await options.messaging.broadcast(
      { channels: [tickerChannel(tick.symbol)] },
      priceMessage(tick, time),
      broadcastOptions,
    );
    logger.info?.('ticker: price broadcast', { symbol: tick.symbol, ...summarizeReport(report) });
    if (report.cursor !== undefined) {
      logger.warn('ticker: broadcast stopped before the last subscriber (deadline)', {
        symbol: tick.symbol,
        cursor: report.cursor,
      });
    }
    return { symbol: tick.symbol, price: tick.price, report };
  }

  const onEvent = async (event: PriceEvent, context?: LambdaContext): Promise<TickOutcome> => {
    const parsed = PriceTick.safeParse(event.detail);
    if (!parsed.success) {
      logger.error('ticker: invalid price event', { id: event.id, issues: parsed.error.issues });
      throw new TypeError(`invalid price event ${event.id}: ${parsed.error.message}`);
    }
    return push(parsed.data, event.time, context);
  };

  const onMessages = (event: SQSEvent, context?: LambdaContext): Promise<SQSBatchResponse> =>
    forEachPrice(
      event,
      logger,
      readRecord,
      (tick, record) => push(tick, sentAt(record), context),
      'broadcast',
    );

  return {
    onEvent,
    onMessages,
    handler: (event, context) => (isSqsEvent(event) ? onMessages(event, context) : onEvent(event, context)),
  };
}

function isSqsEvent(event: PriceEvent | SQSEvent): event is SQSEvent {
  return Array.isArray((event as Partial<SQSEvent>).Records);
}

/** The price in a record body: the price itself, or an EventBridge event forwarded to the queue. */
function readRecord(record: SQSRecord): PriceTick | undefined {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    return undefined;
  }
  const candidate =
    typeof body === 'object' && body !== null && 'detail' in body
      ? (body as { detail: unknown }).detail
      : body;
  const parsed = PriceTick.safeParse(candidate);
  return parsed.success ? parsed.data : undefined;
}

function sentAt(record: SQSRecord): string {
  const sent = Number(record.attributes.SentTimestamp);
  return new Date(Number.isFinite(sent) ? sent : Date.now()).toISOString();
}
