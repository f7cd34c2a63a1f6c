import type { LambdaContext } from '@wsapp/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createPriceBroadcaster, type PriceEvent, type TickOutcome } from '../broadcaster.js';
import { tickerApp } from './ticker.js';

/** Lambda entry point of the broadcaster: EventBridge `PriceTick` events and SQS price messages. */
export async function handler(
  event: PriceEvent | SQSEvent,
  context: LambdaContext,
): Promise<TickOutcome | SQSBatchResponse> {
  const app = await tickerApp();
  return createPriceBroadcaster({ messaging: app }).handler(event, context);
}
