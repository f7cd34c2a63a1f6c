import type { Logger } from '@wsapp/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { PriceTick } from './prices.js';

/**
 * Runs `handle` for the price of every SQS record, in order, and answers a partial batch
 * response: a record whose body `read` cannot turn into a price is logged and dropped (retrying it
 * would fail again), one whose `handle` throws is logged and reported for retry.
 */
export async function forEachPrice(
  event: SQSEvent,
  logger: Pick<Logger, 'error'>,
  read: (record: SQSRecord) => PriceTick | undefined,
  handle: (tick: PriceTick, record: SQSRecord) => Promise<unknown>,
  what: string,
): Promise<SQSBatchResponse> {
  const response: SQSBatchResponse = { batchItemFailures: [] };
  for (const record of event.Records) {
    const tick = read(record);
    if (tick === undefined) {
      logger.error('ticker: dropping an invalid price message', { messageId: record.messageId });
      continue;
    }
    try {
      await handle(tick, record);
    } catch (error) {
      logger.error(`ticker: ${what} failed; the message will be retried`, {
        messageId: record.messageId,
        error,
      });
      response.batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return response;
}
