import { type ConnectionStore, type LambdaContext, Messenger } from '@wsapp/core';
import { secretReader } from '@wsapp/core/secrets';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createStore } from '../src/store.js';
import { createWorker } from '../src/worker.js';
import { requireEnv } from './env.js';

// The WebSocket function's key, read the same way (only the ARN is in the environment).
const forwardSecret = secretReader({ secretId: requireEnv('FORWARD_SECRET_ARN') });
let store: Promise<ConnectionStore> | undefined;
let current: { secret: string; worker: ReturnType<typeof createWorker> } | undefined;

/**
 * Lambda entry point of the SQS worker (ReportBatchItemFailures is on in the event source mapping).
 * Its Messenger uses the same store as the WebSocket function (`STORE`, `TABLE_NAME` /
 * `REDIS_URL_SECRET_ARN`), so a client that left is removed from it when a reply answers `'gone'`;
 * replies go to the endpoint each task's envelope carries (`WS_ENDPOINT` on the WebSocket side),
 * and only to tasks whose envelope verifies with the key in the secret `FORWARD_SECRET_ARN` names.
 */
export async function handler(event: SQSEvent, context: LambdaContext): Promise<SQSBatchResponse> {
  store ??= createStore();
  const secret = await forwardSecret();
  if (current?.secret !== secret) {
    const worker = createWorker({
      messenger: new Messenger({ store: await store, endpoint: process.env.WS_ENDPOINT }),
      secret,
    });
    current = { secret, worker };
  }
  return current.worker(event, context);
}
