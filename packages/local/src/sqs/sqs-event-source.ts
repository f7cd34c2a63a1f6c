import { randomUUID } from 'node:crypto';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import {
  awsPartition,
  type LambdaContext,
  type SdkClient,
  type SqsBatchResponse,
  type SqsEvent,
  type SqsRecord,
} from '@wsapp/core';

/**
 * A function an SQS event source invokes, like a Lambda handler for SQS events; an answer shaped
 * like `SqsBatchResponse` is a partial batch response, anything else means every record succeeded.
 */
export type SqsHandler = (event: SqsEvent, context: LambdaContext) => Promise<unknown>;

/** Options of {@link sqsEventSource}: the settings of a Lambda event source mapping and function. */
export interface SqsEventSourceOptions {
  /** An SDK `SQSClient` for the queue (e.g. pointed at fauxqs). */
  sqs: SdkClient;
  /** The queue read. */
  queueUrl: string;
  /** The function. */
  handler: SqsHandler;
  /** Records per invocation, 1–10 (default 10, Lambda's default for standard queues). */
  batchSize?: number;
  /** Invocations running at once (the mapping's `ScalingConfig.MaximumConcurrency`; default 2). */
  maxConcurrency?: number;
  /** The function timeout: `getRemainingTimeInMillis()` counts down from it (default 30 s). */
  timeoutMs?: number;
  /**
   * Visibility timeout asked on each receive, seconds (default: the queue's). A batch that fails or
   * times out reappears after it, and the queue's redrive policy (`maxReceiveCount`) moves a message
   * to the dead-letter queue, as with Lambda.
   */
  visibilityTimeoutSeconds?: number;
  /** Honour `batchItemFailures` (the mapping's `ReportBatchItemFailures`; default true). */
  reportBatchItemFailures?: boolean;
  /** Long-poll wait per receive, seconds (default 1). */
  waitTimeSeconds?: number;
  /** `arn:{partition}:sqs:…` put in each record's `eventSourceARN` (default derived from the queue URL and its region's partition). */
  eventSourceArn?: string;
}

/** Counters of an event source. */
export interface SqsEventSourceStats {
  /** Handler invocations. */
  invocations: number;
  /** Records handed to the handler (redeliveries included). */
  records: number;
  /** Records deleted after success. */
  deleted: number;
  /** Records left for redelivery (failed batch, timeout, or named in `batchItemFailures`). */
  retried: number;
  /** Invocations that threw or timed out. */
  failedInvocations: number;
}

/** A running event source. */
export interface SqsEventSource {
  /** Counters so far. */
  readonly stats: Readonly<SqsEventSourceStats>;
  /** Stops polling and waits for invocations in flight. */
  stop(): Promise<void>;
}

type Sdk = typeof import('@aws-sdk/client-sqs');

function arnOf(queueUrl: string): string {
  const url = new URL(queueUrl);
  const [, account = '000000000000', name = 'queue'] = url.pathname.split('/');
  const region = /sqs\.([a-z0-9-]+)\./.exec(url.hostname)?.[1] ?? 'us-east-1';
  return `arn:${awsPartition(region)?.id ?? 'aws'}:sqs:${region}:${account}:${name}`;
}

function toRecord(message: Message, arn: string): SqsRecord & Record<string, unknown> {
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: { ...(message.Attributes ?? {}) },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: arn,
    awsRegion: arn.split(':')[3] ?? 'us-east-1',
  };
}

/**
 * Polls an SQS queue and invokes a handler with Lambda's SQS event shape, the way a Lambda event
 * source mapping does: up to `batchSize` records per invocation, `maxConcurrency` invocations at
 * once, records deleted when the invocation succeeds, all of them left for redelivery (after the
 * visibility timeout) when it throws or outlives `timeoutMs`, and, with `reportBatchItemFailures`,
 * only the ones named in `batchItemFailures` left (a response naming an unknown or empty id fails
 * the whole batch, as Lambda does). Dead-lettering is the queue's own redrive policy.
 *
 * A timed-out invocation cannot be killed in-process: its promise is abandoned and its records are
 * treated as failed, as Lambda would.
 */
export async function sqsEventSource(options: SqsEventSourceOptions): Promise<SqsEventSource> {
  const sdk: Sdk = await import('@aws-sdk/client-sqs');
  // The public option is structural (no SDK import in wsapp's types); it holds an SDK client.
  const sqs = options.sqs as SQSClient;
  const batchSize = options.batchSize ?? 10;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10)
    throw new RangeError('batchSize must be 1-10');
  const lanes = options.maxConcurrency ?? 2;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const honour = options.reportBatchItemFailures ?? true;
  const arn = options.eventSourceArn ?? arnOf(options.queueUrl);
  const stats: SqsEventSourceStats = {
    invocations: 0,
    records: 0,
    deleted: 0,
    retried: 0,
    failedInvocations: 0,
  };
  let running = true;
  const abort = new AbortController();

  async function invoke(records: Array<SqsRecord & Record<string, unknown>>): Promise<Set<string> | 'all'> {
    const deadline = Date.now() + timeoutMs;
    const context: LambdaContext = {
      awsRequestId: randomUUID(),
      functionName: 'local-sqs-worker',
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    stats.invocations++;
    stats.records += records.length;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Task timed out after ${timeoutMs} ms`)), timeoutMs);
      });
      const response = (await Promise.race([options.handler({ Records: records }, context), timedOut])) as
        | Partial<SqsBatchResponse>
        | null
        | undefined;
      if (!honour || response == null || !Array.isArray(response.batchItemFailures)) return new Set();
      const ids = new Set(records.map((r) => r.messageId));
      const failed = new Set<string>();
      for (const item of response.batchItemFailures) {
        if (typeof item?.itemIdentifier !== 'string' || !ids.has(item.itemIdentifier)) return 'all';
        failed.add(item.itemIdentifier);
      }
      return failed;
    } catch {
      stats.failedInvocations++;
      return 'all';
    } finally {
      clearTimeout(timer);
    }
  }

  async function lane(): Promise<void> {
    while (running) {
      let messages: Message[];
      try {
        const out = await sqs.send(
          new sdk.ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: batchSize,
            WaitTimeSeconds: options.waitTimeSeconds ?? 1,
            MessageSystemAttributeNames: ['All'],
            ...(options.visibilityTimeoutSeconds === undefined
              ? {}
              : { VisibilityTimeout: options.visibilityTimeoutSeconds }),
          }),
          { abortSignal: abort.signal },
        );
        messages = out.Messages ?? [];
      } catch (error) {
        if (!running) return;
        await new Promise((r) => setTimeout(r, 200));
        void error;
        continue;
      }
      if (messages.length === 0) continue;
      const records = messages.map((m) => toRecord(m, arn));
      const failed = await invoke(records);
      const done = failed === 'all' ? [] : messages.filter((m) => !failed.has(m.MessageId ?? ''));
      stats.retried += messages.length - done.length;
      if (done.length > 0) {
        await sqs.send(
          new sdk.DeleteMessageBatchCommand({
            QueueUrl: options.queueUrl,
            Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
          }),
        );
        stats.deleted += done.length;
      }
    }
  }

  const lanesDone = Promise.all(Array.from({ length: lanes }, () => lane()));
  return {
    stats,
    async stop() {
      running = false;
      abort.abort();
      await lanesDone;
    },
  };
}
