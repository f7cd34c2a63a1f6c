/**
 * Routing, connection tracking and messaging for AWS Lambda functions behind API Gateway
 * WebSocket APIs: `WebSocketApp`, the `ConnectionStore` contract and `BaseConnectionStore`,
 * `Messenger`, errors and event types.
 *
 * @packageDocumentation
 * @module @wsapp/core
 */
export type { HandlerMethod, RouteDecorator } from './app/route-decorator.js';
export type {
  AppMiddleware,
  ErrorHandler,
  HandlerResult,
  InferBody,
  RouteHandler,
  RouteOptions,
  WebSocketAppOptions,
} from './app/types.js';
export { WebSocketApp } from './app/web-socket-app.js';
export type { ChannelArgs } from './context/connection-ops.js';
export type { DefaultState, WebSocketContext } from './context/web-socket-context.js';
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
export { WebSocketError, type WebSocketErrorOptions } from './errors/web-socket-error.js';
export { WsappError } from './errors/wsapp-error.js';
export type {
  LambdaContext,
  WebSocketEvent,
  WebSocketEventType,
  WebSocketRequestContext,
  WebSocketResponse,
} from './events/event-types.js';
export { IDLE_TIMEOUT_SECONDS, MAX_CONNECTION_SECONDS, MAX_PAYLOAD_BYTES } from './limits.js';
export { appendLogKeys, type KeyedLogger } from './logging/append-log-keys.js';
export type { Logger } from './logging/logger.js';
export { endpointFromEvent } from './messaging/endpoint-from-event.js';
export type { ConnectionInfo } from './messaging/management-api.js';
export {
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
export type { RetryOptions } from './messaging/retry-policy.js';
export type { MetricsSink, MetricUnit } from './metrics/metrics-sink.js';
export type { Middleware, Next } from './routing/compose-middleware.js';
export { compileRouteSelection, type RouteSelector } from './routing/route-selection.js';
export {
  BaseConnectionStore,
  type BaseConnectionStoreOptions,
  type QueryMembersArgs,
} from './store/base-connection-store.js';
export type {
  ConnectionRecord,
  MembersOptions,
  MembersPage,
  RegisterInit,
} from './store/connection-record.js';
export type { ConnectionStore } from './store/connection-store.js';
export {
  ConnectionNotFoundError,
  InvalidChannelError,
  InvalidConnectionIdError,
  InvalidCursorError,
  InvalidDataError,
  StoreUnavailableError,
  TooManyChannelsError,
} from './store/store-errors.js';
export { DEFAULT_LIMITS, type StoreLimits } from './store/store-validation.js';
export { type ValidationIssue, validateBody } from './validation/validate-body.js';
