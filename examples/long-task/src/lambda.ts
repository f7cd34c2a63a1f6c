import { Messenger } from '@wsapp/core';
import { SqsTarget } from '@wsapp/forward';
import { createLongTaskApp } from './app.js';
import { createWorker } from './worker.js';

// Replies go through the endpoint each task's envelope carries; set WS_ENDPOINT for custom domains.
// A ConnectionStore (e.g. DynamoDBConnectionStore on the template's table) can be added to both
// sides to track connections and clean up gone ones; this example needs none to answer.
const endpoint = process.env.WS_ENDPOINT || undefined;

/** The WebSocket API's Lambda: `$connect`, `$disconnect`, `submit`. */
export const handler = createLongTaskApp({
  target: new SqsTarget({ queueUrl: process.env.QUEUE_URL as string }),
  ...(endpoint === undefined ? {} : { endpoint }),
}).handler();

/** The SQS worker's Lambda (ReportBatchItemFailures is on in the event source mapping). */
export const worker = createWorker({
  messenger: new Messenger(endpoint === undefined ? {} : { endpoint }),
});
