import { awsPartition } from '../aws/partitions.js';

/** One record of an SQS event as Lambda delivers it (the fields the fan-out worker reads). */
export interface SqsRecord {
  /** The message id: what `batchItemFailures` names. */
  messageId: string;
  /** The message body. */
  body: string;
  /** Receipt handle of this delivery. */
  receiptHandle?: string;
  /** SQS attributes; `ApproximateReceiveCount` is above 1 on a redelivery. */
  attributes?: {
    /** How many times the message was received; above 1 on a redelivery. */
    ApproximateReceiveCount?: string;
  } & Record<string, string | undefined>;
  /** `arn:aws:sqs:{region}:{account}:{queue}`. */
  eventSourceARN?: string;
}

/** An SQS event as Lambda delivers it. */
export interface SqsEvent {
  /** The batch. */
  Records: SqsRecord[];
}

/** Lambda's partial batch response (needs `ReportBatchItemFailures` on the event source mapping). */
export interface SqsBatchResponse {
  /** Records to deliver again; the others are deleted from the queue. */
  batchItemFailures: Array<{
    /** A failed record's `messageId`. */
    itemIdentifier: string;
  }>;
}

/**
 * The queue URL of an SQS ARN, on the host of the ARN's partition (`arn:aws:sqs:us-east-1:123:q` →
 * `https://sqs.us-east-1.amazonaws.com/123/q`, `arn:aws-cn:sqs:cn-north-1:123:q` →
 * `https://sqs.cn-north-1.amazonaws.com.cn/123/q`); `undefined` when it is not an SQS ARN or its
 * partition is unknown.
 */
export function queueUrlFromArn(arn: string | undefined): string | undefined {
  const parts = arn?.split(':');
  if (parts === undefined || parts.length !== 6 || parts[0] !== 'arn' || parts[2] !== 'sqs') return undefined;
  const [, partition, , region, account, queue] = parts as [string, string, string, string, string, string];
  const suffix = awsPartition(region, partition)?.dnsSuffix;
  return suffix === undefined ? undefined : `https://sqs.${region}.${suffix}/${account}/${queue}`;
}
