import type { LambdaContext } from '@wsapp/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createPriceBroadcaster, type PriceEvent, type TickOutcome } from '../broadcaster.js';
import { createPriceFanOut, type FanOutPlan } from '../fan-out.js';
import { tickerApp } from './ticker.js';

/**
 * Lambda entry point of the broadcaster: EventBridge `PriceTick` events and SQS price messages.
 * With `FANOUT_QUEUE_URL` set, each price is planned as parallel slices for the fan-out worker
 * (`FANOUT_SLICES` per symbol, default 8) instead of being broadcast in this invocation.
 */
export async function handler(
  event: PriceEvent | SQSEvent,
  context: LambdaContext,
): Promise<TickOutcome | FanOutPlan | SQSBatchResponse> {
  const app = await tickerApp();
  const queueUrl = process.env.FANOUT_QUEUE_URL;
  if (queueUrl) {
    const slices = process.env.FANOUT_SLICES ? Number(process.env.FANOUT_SLICES) : undefined;
    return createPriceFanOut({ messaging: app, queueUrl, ...(slices ? { slices } : {}) }).handler(
      event,
      context,
    );
  }
  return createPriceBroadcaster({ messaging: app }).handler(event, context);
}
