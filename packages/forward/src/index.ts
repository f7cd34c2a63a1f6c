/**
 * `forward()` a validated route message to SQS, SNS or EventBridge with a correlation envelope,
 * and `replyTo(record)` from the consumer back to the original connection.
 *
 * @packageDocumentation
 * @module @wsapp/forward
 */
export { type CorrelationEnvelope, type ForwardedMessage, isForwardedMessage } from './envelope.js';
export { type ForwardAccepted, type ForwardHandler, type ForwardOptions, forward } from './forward.js';
export {
  type EventBridgeEventLike,
  NotATaskError,
  type ReadEnvelopeOptions,
  readEnvelope,
  type SnsRecordLike,
  type SqsRecordLike,
  type TaskSource,
} from './read-envelope.js';
export {
  type ReplyToOptions,
  replyTo,
  type TaskErrorInfo,
  type TaskReply,
  type TaskUpdate,
} from './reply-to.js';
export {
  type EnvelopeSigning,
  TaskSignatureError,
  type TaskSignatureProblem,
} from './signature.js';
export { EventBridgeTarget, type EventBridgeTargetOptions } from './targets/eventbridge-target.js';
export type { ForwardTarget } from './targets/forward-target.js';
export type { MessageGroupId } from './targets/message-group.js';
export { SnsTarget, type SnsTargetOptions } from './targets/sns-target.js';
export { SqsTarget, type SqsTargetOptions } from './targets/sqs-target.js';
