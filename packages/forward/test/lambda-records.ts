import type { SQSRecord } from 'aws-lambda';

/** An SQS record as Lambda delivers it, carrying `body`. */
export function sqsRecord(body: string): SQSRecord {
  return {
    messageId: 'm-1',
    receiptHandle: 'r-1',
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'AIDA',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:jobs',
    awsRegion: 'us-east-1',
  };
}
