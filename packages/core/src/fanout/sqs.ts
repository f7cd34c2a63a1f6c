import type { SQSClient, SQSClientConfig } from '@aws-sdk/client-sqs';
import type { SdkClient, SdkClientConfig } from '../aws/sdk-client.js';
import { WsappError } from '../errors/wsapp-error.js';
import { lazySdk } from '../lazy-sdk.js';

type Sdk = typeof import('@aws-sdk/client-sqs');

/** Loads the SQS client on first use: routing and plain messaging never load it (cold start). */
export const loadSqs = lazySdk<Sdk>('@aws-sdk/client-sqs', () => import('@aws-sdk/client-sqs'), 'Fan-out');

/** Where fan-out tasks go: an SQS client you pass, or one made from `sqsConfig` on first use. */
export interface SqsOptions {
  /** An SDK `SQSClient` (its endpoint, region and credentials apply). */
  sqs?: SdkClient;
  /** `SQSClientConfig` of the client made when `sqs` is not given. */
  sqsConfig?: SdkClientConfig;
}

const clients = new WeakMap<object, Promise<SQSClient>>();
const NO_CONFIG = {};

/** The client to use: the given one, or one per config object, made once. */
export function sqsClient(options: SqsOptions): Promise<SQSClient> {
  // The public options are structural (no SDK import in wsapp's types); they hold SDK objects.
  if (options.sqs) return Promise.resolve(options.sqs as SQSClient);
  const key = options.sqsConfig ?? NO_CONFIG;
  let client = clients.get(key);
  if (client === undefined) {
    client = loadSqs().then((sdk) => new sdk.SQSClient((options.sqsConfig ?? {}) as SQSClientConfig));
    clients.set(key, client);
  }
  return client;
}

/** SQS's limits on one `SendMessageBatch`: 10 entries, 256 KiB of bodies in total. */
export const MAX_BATCH_ENTRIES = 10;
/** Total body bytes of one batch (and of one message). */
export const MAX_BATCH_BYTES = 256 * 1024;

/**
 * Sends bodies with `SendMessageBatch`, grouped by SQS's entry and size limits; entries the queue
 * refuses with a sender fault are not retried, the others are retried up to `attempts` times.
 * Answers how many batches were sent; throws {@link WsappError} `FanOutEnqueueFailed` naming how
 * many bodies were enqueued before it gave up.
 */
export async function sendBatches(
  options: SqsOptions,
  queueUrl: string,
  bodies: string[],
  attempts = 3,
): Promise<number> {
  const [sdk, client] = await Promise.all([loadSqs(), sqsClient(options)]);
  const groups: string[][] = [];
  let group: string[] = [];
  let bytes = 0;
  for (const body of bodies) {
    const size = Buffer.byteLength(body, 'utf8');
    if (group.length === MAX_BATCH_ENTRIES || (group.length > 0 && bytes + size > MAX_BATCH_BYTES)) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(body);
    bytes += size;
  }
  if (group.length > 0) groups.push(group);
  let enqueued = 0;
  let batches = 0;
  for (const entries of groups) {
    let pending = entries.map((body, i) => ({ Id: String(i), MessageBody: body }));
    for (let attempt = 1; pending.length > 0; attempt++) {
      batches++;
      const out = await client.send(
        new sdk.SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }),
      );
      enqueued += out.Successful?.length ?? 0;
      const failed = new Set((out.Failed ?? []).map((f) => f.Id));
      const fatal = (out.Failed ?? []).find((f) => f.SenderFault);
      pending = pending.filter((e) => failed.has(e.Id));
      if (pending.length > 0 && (fatal || attempt >= attempts)) {
        throw new WsappError(
          'FanOutEnqueueFailed',
          `SQS refused ${pending.length} fan-out task(s) (${fatal?.Code ?? out.Failed?.[0]?.Code ?? 'unknown'}); ${enqueued} of ${bodies.length} were enqueued`,
        );
      }
    }
  }
  return batches;
}
