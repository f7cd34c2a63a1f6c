export type {
  AppMiddleware,
  ErrorHandler,
  InferBody,
  RouteHandler,
  RouteOptions,
  WebSocketAppOptions,
} from './app/types.js';
export { WebSocketApp } from './app/web-socket-app.js';
export type { DefaultState, WebSocketContext } from './context/web-socket-context.js';
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
export type { Logger } from './logging/logger.js';
export type { Middleware, Next } from './routing/compose-middleware.js';
export type { ValidationIssue } from './validation/validate-body.js';
