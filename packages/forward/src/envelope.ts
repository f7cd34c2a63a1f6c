/**
 * What a consumer needs to answer the client that submitted a task: which connection, through
 * which management endpoint, and which task.
 */
export interface CorrelationEnvelope {
  /** API Gateway's id of the submitting connection. */
  connectionId: string;
  /** API Gateway's request id of the submitting message. */
  requestId: string;
  /** The route that forwarded the message. */
  routeKey: string;
  /**
   * The management API endpoint to reply through (the app's `endpoint` option, else the one the
   * event implies). Absent for custom domains without an `endpoint` option: the consumer then
   * relies on its Messenger's endpoint or the connection's stored record.
   */
  endpoint?: string;
  /** When the message was forwarded, epoch ms. */
  sentAt: number;
  /** The task's id, answered to the client as `{ accepted: true, taskId }`. */
  taskId: string;
  /**
   * `f1.<base64url HMAC-SHA256>` over the rest of the envelope and the data, with the route's
   * `secret`; `replyTo` answers no record whose signature does not verify. Absent when the route
   * forwards `unsigned`.
   */
  sig?: string;
}

/**
 * The event a forwarding route puts on its target: the SQS message body and the SNS message
 * (as JSON text), or the EventBridge `detail`.
 *
 * @example
 * ```json
 * { "envelope": { "connectionId": "abc=", "taskId": "…", … }, "data": { "report": "q3" } }
 * ```
 */
export interface ForwardedMessage<TData = unknown> {
  /** Who to answer and how: the correlation envelope. */
  envelope: CorrelationEnvelope;
  /** The validated message the route forwarded. */
  data: TData;
}

/** Whether `value` has the shape of a {@link ForwardedMessage}. */
export function isForwardedMessage(value: unknown): value is ForwardedMessage {
  if (typeof value !== 'object' || value === null || !('envelope' in value)) return false;
  const envelope = (value as { envelope: unknown }).envelope;
  if (typeof envelope !== 'object' || envelope === null) return false;
  const e = envelope as Record<string, unknown>;
  return typeof e.connectionId === 'string' && e.connectionId.length > 0 && typeof e.taskId === 'string';
}
