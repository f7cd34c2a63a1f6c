/**
 * A typed, self-healing WebSocket client for wsapp servers behind API Gateway, for browsers and
 * Node ≥ 20: heartbeat under the idle timeout, a new connection before the 2-hour maximum,
 * reconnects with backoff and full jitter, `request()` matched by correlation id, a bounded queue.
 *
 * @packageDocumentation
 * @module @wsapp/client
 */
export { type BackoffOptions, backoffDelay } from './backoff.js';
export { createClient, WebSocketClient } from './client.js';
export { type CloseInfo, defaultShouldReconnect, FINAL_CODES } from './close-policy.js';
export type {
  ActionOf,
  AnyApi,
  ApiShape,
  BodyArg,
  BodyOf,
  PushOf,
  ResponseOf,
  RouteShape,
  SchemaLike,
  SchemaTypes,
  UntypedRoute,
} from './contract-types.js';
export { Emitter } from './emitter.js';
export { ClientError, type ClientErrorCode } from './errors.js';
export type {
  ClientEvents,
  ClientState,
  CloseEvent,
  ErrorEvent,
  OpenEvent,
  ReconnectingEvent,
  RequestOptions,
} from './events.js';
export type { AuthOptions, ClientOptions, HeartbeatSettings, Session } from './options.js';
export type {
  GapEvent,
  ReplayPageReply,
  ResumedEvent,
  ResumeReason,
  ResumeReply,
  SessionOptions,
  SessionStorage,
} from './session.js';
export type { SocketConstructor, SocketLike } from './socket.js';
