/**
 * Routing, connection tracking and messaging for AWS Lambda functions behind API Gateway
 * WebSocket APIs: `WebSocketApp`, the `ConnectionStore` contract and `BaseConnectionStore`,
 * `Messenger`, errors and event types.
 *
 * Built-in middleware lives at `@wsapp/core/middleware`; what store authors need at `@wsapp/core/store`
 * (also re-exported here for compatibility).
 *
 * @packageDocumentation
 * @module @wsapp/core
 */
export type { HandlerResult, JsonResult, SelfSerialising } from './app/handler-result.js';
export type { HandlerMethod, RouteDecorator } from './app/route-decorator.js';
export { type CheckedHandler, RouteRegistry } from './app/route-registry.js';
export type {
  AppMiddleware,
  ConnectContext,
  ConnectOptions,
  ErrorClass,
  ErrorHandler,
  IncludeOptions,
  InferBody,
  RouteHandler,
  RouteOptions,
  WebSocketAppOptions,
} from './app/types.js';
export { WebSocketApp } from './app/web-socket-app.js';
export { WebSocketRouter } from './app/web-socket-router.js';
export { type AwsPartition, awsPartition } from './aws/partitions.js';
export type { SdkClient, SdkClientConfig } from './aws/sdk-client.js';
export type { ChannelArgs } from './context/connection-ops.js';
export type { DefaultAuthorizer, DefaultState, WebSocketContext } from './context/web-socket-context.js';
export { CORRELATION_FIELD, correlationId } from './correlation/correlation-id.js';
export {
  HEARTBEAT_ACTION,
  type HeartbeatContext,
  type HeartbeatOptions,
  heartbeat,
  type RouteRegistrar,
} from './correlation/heartbeat.js';
export { reply } from './correlation/reply.js';
export {
  type ApiContract,
  defineApi,
  type InferResponse,
  type PushOf,
  type RouteContract,
  typed,
} from './correlation/route-contract.js';
export {
  InvalidRouteSelectionError,
  NextCalledTwiceError,
  NoStoreError,
  SendDuringConnectError,
} from './errors/app-errors.js';
export type { WsappErrorCode } from './errors/error-codes.js';
export { WebSocketError, type WebSocketErrorOptions } from './errors/web-socket-error.js';
export { WsappError } from './errors/wsapp-error.js';
export type {
  LambdaContext,
  WebSocketEvent,
  WebSocketEventType,
  WebSocketRequestContext,
  WebSocketResponse,
} from './events/event-types.js';
export {
  type FanOutCheckpoints,
  SLICE_DONE,
  storeCheckpoints,
} from './fanout/checkpoints.js';
export { type FanOutData, type FanOutOptions, type FanOutResult, fanOut } from './fanout/fan-out.js';
export {
  decodeTask as decodeFanOutTask,
  encodeTask as encodeFanOutTask,
  type FanOutTask,
} from './fanout/fan-out-task.js';
export {
  type FanOutMetricsSink,
  type FanOutWorkerOptions,
  fanOutWorker,
  type SliceReport,
} from './fanout/fan-out-worker.js';
export type { SqsOptions } from './fanout/sqs.js';
export type { SqsBatchResponse, SqsEvent, SqsRecord } from './fanout/sqs-event.js';
export { type ChannelSeqs, MESSAGE_ID_FIELD, REPLAY_FIELD, SEQ_FIELD } from './history/history-frame.js';
export { type HistoryOptions, type HistoryPolicy, historyPolicy } from './history/history-options.js';
export type { GapReason, HistoryGap } from './history/replay-page.js';
export { lazySdk } from './lazy-sdk.js';
export { IDLE_TIMEOUT_SECONDS, MAX_CONNECTION_SECONDS, MAX_PAYLOAD_BYTES } from './limits.js';
export { appendLogKeys, type KeyedLogger } from './logging/append-log-keys.js';
export type { Logger } from './logging/logger.js';
export { endpointFromEvent } from './messaging/endpoint-from-event.js';
export type { ConnectionInfo as ManagementConnectionInfo } from './messaging/management-api.js';
export {
  ConnectionPendingError,
  DeadlineExceededError,
  EndpointUnknownError,
  ManagementApiForbiddenError,
  PayloadTooLargeError,
  SendFailedError,
} from './messaging/messaging-errors.js';
export { Messenger } from './messaging/messenger.js';
export type {
  BroadcastFailure,
  BroadcastOptions,
  BroadcastReport,
  BroadcastTarget,
  CallOptions,
  MessengerOptions,
} from './messaging/messenger-types.js';
export type { MessageData } from './messaging/payload.js';
export { backoffDelay, type RetryOptions as MessagingRetryOptions } from './messaging/retry-policy.js';
export type {
  AwsCredentials,
  AwsCredentialsProvider,
  CredentialsOption,
} from './messaging/transport/credentials.js';
export { ManagementApiError } from './messaging/transport/management-api-error.js';
export type { MetricsSink, MetricUnit } from './metrics/metrics-sink.js';
export type { Middleware, Next } from './routing/compose-middleware.js';
export { compileRouteSelection, type RouteSelector } from './routing/route-selection.js';
export type { ReplayPageReply } from './sessions/replay-route.js';
export type { ResumeReply } from './sessions/resume-route.js';
export { SESSION_QUERY } from './sessions/session-connect.js';
export {
  DEFAULT_RESUME_WINDOW_SECONDS,
  MAX_RESUME_WINDOW_SECONDS,
  MIN_SESSION_SECRET_BYTES,
  type SessionOptions,
} from './sessions/session-options.js';
export type { ResumeRefusal } from './sessions/session-state.js';
export {
  BaseConnectionStore,
  type BaseConnectionStoreOptions,
  type QueryMembersArgs,
} from './store/base-connection-store.js';
export {
  assertHistoryAppend,
  assertHistoryRetraction,
  assertRetention,
  DEFAULT_HISTORY_RETENTION,
  HISTORY_HEAD_GRACE_SECONDS,
  type HistoryAppend,
  type HistoryEntry,
  HistoryNotSupportedError,
  type HistoryPage,
  type HistoryRetention,
  type HistoryRetraction,
  historyGap,
  MAX_HISTORY_LENGTH,
  MAX_HISTORY_READ,
  MAX_HISTORY_SCAN,
  MAX_HISTORY_TTL_SECONDS,
  normalizeReadHistory,
  type ReadHistoryOptions,
} from './store/channel-history.js';
export type {
  ConnectionRecord,
  MembersOptions,
  MembersPage,
  RegisterInit,
} from './store/connection-record.js';
export type { ConnectionStore } from './store/connection-store.js';
export { evenStarts, MAX_SLICES, WHOLE_CHANNEL_SLICE } from './store/member-slices.js';
/** The opaque-cursor helper for store authors; import it from `@wsapp/core/store`. */
export {
  type CursorField,
  type CursorFieldKind,
  type CursorFieldsOf,
  cursorFields,
  isCursorOf,
  type OpaqueCursorOptions,
  openCursor,
  sealCursor,
} from './store/opaque-cursor.js';
/** Connection data helpers for store authors (`__proto__`-safe); import them from `@wsapp/core/store`. */
export { mergeData, setOwn } from './store/plain-data.js';
/** Session primitives of the store contract (sessions); store authors import them from `@wsapp/core/store`. */
export {
  applySessionClose,
  applySessionMarks,
  assertSessionId,
  type SessionClaim,
  type SessionMarks,
  type SessionRecord,
  SessionsNotSupportedError,
  UNKNOWN_START,
} from './store/session-record.js';
export { assertMinAge, type UnregisterStaleResult } from './store/stale-unregister.js';
export {
  ConnectionNotFoundError,
  InvalidChannelError,
  InvalidConnectionIdError,
  InvalidCursorError,
  InvalidDataError,
  StoreUnavailableError,
  TooManyChannelsError,
} from './store/store-errors.js';
/**
 * Validation helpers for store authors; import them from `@wsapp/core/store`.
 * (Exported here too so that entry re-exports the root's one copy of each class.)
 */
export {
  assertChannel,
  assertConnectionId,
  assertTtl,
  DEFAULT_LIMITS,
  normalizeChannels,
  normalizeData,
  type StoreLimits,
} from './store/store-validation.js';
export { type ValidationIssue, validateBody } from './validation/validate-body.js';

import type { ConnectionInfo as ManagementConnectionInfoType } from './messaging/management-api.js';
import type { RetryOptions as MessagingRetryOptionsType } from './messaging/retry-policy.js';

/** @deprecated Use `ManagementConnectionInfo` (`@wsapp/local` has a `ConnectionInfo` of its own). */
export type ConnectionInfo = ManagementConnectionInfoType;
/** @deprecated Use `MessagingRetryOptions` (`@wsapp/store-dynamodb` has a `RetryOptions` of its own). */
export type RetryOptions = MessagingRetryOptionsType;
