import { type LambdaContext, Messenger } from '@wsapp/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createStore } from '../src/store.js';
import { createWorker } from '../src/worker.js';

let worker: Promise<ReturnType<typeof createWorker>> | undefined;

/**
 * Lambda entry point of the SQS worker (ReportBatchItemFailures is on in the event source mapping).
 * Its Messenger uses the same store as the WebSocket function (`STORE`, `TABLE_NAME` / `REDIS_URL`),
 * so a client that left is removed from it when a reply answers `'gone'`; replies go to the
 * endpoint each task's envelope carries (`WS_ENDPOINT` on the WebSocket side), and only to tasks
 * whose envelope the WebSocket function signed with `FORWARD_SECRET`.
 */
export async function handler(event: SQSEvent, context: LambdaContext): Promise<SQSBatchResponse> {
  worker ??= createStore().then((store) =>
    createWorker({
      messenger: new Messenger({
        store,
        endpoint: process.env.WS_ENDPOINT,
      }),
      secret: process.env.FORWARD_SECRET ?? '',
    }),
  );
  return (await worker)(event, context);
}
