import { fanOutWorker, type LambdaContext, type SqsBatchResponse, type SqsEvent } from '@wsapp/core';
import { tickerApp } from './ticker.js';

let worker: ((event: SqsEvent, context?: LambdaContext) => Promise<SqsBatchResponse>) | undefined;

/**
 * Lambda entry point of the fan-out worker (SQS, batch size 1, `ReportBatchItemFailures`): delivers
 * one slice of a price's subscribers per record, at most `FANOUT_RATE` management calls per second
 * (default 500; the template's maximum concurrency × this rate stays under the account quota).
 */
export async function handler(event: SqsEvent, context: LambdaContext): Promise<SqsBatchResponse> {
  if (worker === undefined) {
    const app = await tickerApp();
    worker = fanOutWorker({
      messenger: app.messenger,
      ratePerSecond: Number(process.env.FANOUT_RATE ?? 500),
      ...(process.env.FANOUT_QUEUE_URL ? { queueUrl: process.env.FANOUT_QUEUE_URL } : {}),
    });
  }
  return worker(event, context);
}
