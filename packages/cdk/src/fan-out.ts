import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { suppressNag } from './nag.js';
import type { WsappFunctionOptions } from './wsapp-function.js';

/**
 * The fan-out path (`app.fanOut` → SQS → `fanOutWorker`): a queue, a worker function fed one task
 * per invocation with partial batch responses, and a dead-letter queue for tasks that keep failing.
 */
export interface WsappFanOutOptions extends Partial<WsappFunctionOptions> {
  /** The worker's entry file, exporting a handler made with `fanOutWorker()` from `@wsapp/core`. */
  readonly entry: string;
  /** Tasks per invocation. Default 1 (one slice per invocation, its own deadline). */
  readonly batchSize?: number;
  /**
   * Most concurrent worker invocations (Lambda's SQS `MaximumConcurrency`, 2 to 1,000). Default 10:
   * with `fanOutWorker`'s rate it bounds the management calls per second the account makes.
   */
  readonly maxConcurrency?: number;
  /** Receives before a task goes to the dead-letter queue. Default 5. */
  readonly maxReceiveCount?: number;
}

/** Lambda's SQS event source: `MaximumConcurrency` is 2 to 1,000. */
const MAX_CONCURRENCY = { min: 2, max: 1000 };

/** The queue, its dead-letter queue and the event source for the worker. */
export function fanOutQueues(
  scope: Construct,
  options: WsappFanOutOptions,
  workerTimeout: Duration,
  removalPolicy: RemovalPolicy,
) {
  const maxConcurrency = options.maxConcurrency ?? 10;
  if (
    !Number.isInteger(maxConcurrency) ||
    maxConcurrency < MAX_CONCURRENCY.min ||
    maxConcurrency > MAX_CONCURRENCY.max
  ) {
    throw new RangeError(`fanOut.maxConcurrency must be an integer from 2 to 1,000, got ${maxConcurrency}`);
  }
  const deadLetterQueue = new Queue(scope, 'FanOutDeadLetterQueue', {
    retentionPeriod: Duration.days(14),
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    removalPolicy,
  });
  suppressNag(deadLetterQueue, [
    { id: 'AwsSolutions-SQS3', reason: 'This queue is the dead-letter queue of the fan-out queue.' },
  ]);
  const queue = new Queue(scope, 'FanOutQueue', {
    // AWS: at least six times the function's timeout, so retries of a throttled worker stay invisible.
    visibilityTimeout: Duration.seconds(6 * workerTimeout.toSeconds()),
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: options.maxReceiveCount ?? 5 },
    removalPolicy,
  });
  const eventSource = new SqsEventSource(queue, {
    batchSize: options.batchSize ?? 1,
    reportBatchItemFailures: true,
    maxConcurrency,
  });
  return { queue, deadLetterQueue, eventSource };
}
