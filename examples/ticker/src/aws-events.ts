import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { EventBridgeEvent, SQSEvent, SQSRecord } from 'aws-lambda';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

/** An EventBridge event as a rule delivers it to a Lambda target. */
export function eventBridgeEvent<TDetail>(
  detailType: string,
  source: string,
  detail: TDetail,
  time: Date = new Date(),
): EventBridgeEvent<string, TDetail> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': detailType,
    source,
    account: ACCOUNT,
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: REGION,
    resources: [],
    detail,
  };
}

/** One SQS record as the Lambda event source mapping delivers it; objects are sent as JSON. */
export function sqsRecord(body: unknown, queueName = 'ticker-prices', sentAt: Date = new Date()): SQSRecord {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const sent = String(sentAt.getTime());
  return {
    messageId: randomUUID(),
    receiptHandle: `AQEB${randomBytes(48).toString('base64')}`,
    body: text,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: sent,
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: sent,
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(text).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:${queueName}`,
    awsRegion: REGION,
  };
}

/** An SQS event with one record per body. */
export function sqsEvent(bodies: readonly unknown[]): SQSEvent {
  return { Records: bodies.map((body) => sqsRecord(body)) };
}
