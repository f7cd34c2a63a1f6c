import { WsappError } from '@wsapp/core';
import { type ForwardedMessage, isForwardedMessage } from './envelope.js';
import { signingKeys, verifyMessage } from './signature.js';

/** An SQS record as Lambda delivers it (`event.Records[n]`); only `body` is read. */
export interface SqsRecordLike {
  /** The message body. */
  body: string;
}

/** An SNS record as Lambda delivers it (`event.Records[n]`); only `Sns.Message` is read. */
export interface SnsRecordLike {
  /** The notification. */
  Sns: {
    /** The message published to the topic. */
    Message: string;
  };
}

/** An EventBridge event as Lambda delivers it; only `detail` is read. */
export interface EventBridgeEventLike {
  /** The event's payload. */
  detail: unknown;
}

/**
 * Anything a forwarded task can arrive as: an SQS record (the message itself, an SNS notification
 * when the subscription is not raw, or an EventBridge event when a rule targets the queue), an SNS
 * record, an EventBridge event, the message as JSON text, or the message itself.
 */
export type TaskSource = SqsRecordLike | SnsRecordLike | EventBridgeEventLike | ForwardedMessage | string;

/** Thrown by `readEnvelope` and `replyTo` when the record carries no wsapp task. */
export class NotATaskError extends WsappError {
  /** This class's {@link WsappError.code}: what error handlers match its errors by, from any copy of the library. */
  static override readonly code = 'NotATask';
  constructor(reason: string) {
    super(NotATaskError.code, `The record carries no wsapp task: ${reason}`);
  }
}

const MAX_WRAPPING = 4;

/** Options of {@link readEnvelope}. */
export interface ReadEnvelopeOptions {
  /** The forwarding route's secret(s): when given, a record whose signature does not verify throws `TaskSignatureError`. */
  secret?: string | readonly string[];
}

/**
 * The {@link ForwardedMessage} a record carries: its correlation envelope and the task data.
 * Unwraps SQS bodies, SNS messages (Lambda records and SNS → SQS notifications, raw or not) and
 * EventBridge `detail`, including EventBridge → SQS. Throws {@link NotATaskError} otherwise.
 * Without `options.secret` it checks no signature (it sends nothing; `replyTo` always verifies);
 * with it, a record the route did not sign throws `TaskSignatureError`.
 */
export function readEnvelope<TData = unknown>(
  source: TaskSource,
  options: ReadEnvelopeOptions = {},
): ForwardedMessage<TData> {
  const message = findEnvelope<TData>(source);
  if (options.secret !== undefined) {
    verifyMessage(message, signingKeys({ secret: options.secret }, 'readEnvelope()') ?? []);
  }
  return message;
}

function findEnvelope<TData>(source: TaskSource): ForwardedMessage<TData> {
  let value: unknown = source;
  for (let depth = 0; depth <= MAX_WRAPPING; depth++) {
    if (typeof value === 'string') value = parse(value);
    if (isForwardedMessage(value)) return value as ForwardedMessage<TData>;
    if (typeof value !== 'object' || value === null) break;
    const next = inner(value as Record<string, unknown>);
    if (next === undefined) break;
    value = next;
  }
  throw new NotATaskError('no envelope with a connectionId and a taskId was found');
}

/** The payload one level down: SNS record, SNS notification, SQS record, EventBridge event. */
function inner(value: Record<string, unknown>): unknown {
  const sns = value.Sns;
  if (typeof sns === 'object' && sns !== null && typeof (sns as { Message?: unknown }).Message === 'string') {
    return (sns as { Message: string }).Message;
  }
  if (value.Type === 'Notification' && typeof value.Message === 'string') return value.Message;
  if (typeof value.body === 'string') return value.body;
  if ('detail' in value) return value.detail;
  return undefined;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new NotATaskError('the message is not JSON');
  }
}
