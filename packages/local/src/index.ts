/**
 * `serve(app)`: an API Gateway WebSocket emulator with the `@connections` management API and
 * fault injection, for local runs and end-to-end tests.
 *
 * @packageDocumentation
 * @module @wsapp/local
 */
export type { RequestMaps } from './events/connect-request.js';
export { type ApiLocation, EventBuilder, type EventSource, type EventStamp } from './events/event-builder.js';
export { gatewayId } from './events/ids.js';
export { formatRequestTime } from './events/request-time.js';
export type { FaultControls, FaultSpec, InjectedFault } from './faults/fault-injector.js';
export { seededRandom } from './faults/prng.js';
export type {
  Authorizer,
  AuthorizerContext,
  AuthorizerContextValue,
  AuthorizerPolicyResponse,
  AuthorizerPolicyStatement,
  AuthorizerRequest,
} from './gateway/authorizer.js';
export type { ConnectionInfo } from './gateway/connection.js';
export type { ConnectionsView } from './gateway/connection-registry.js';
export type {
  AppOrHandler,
  LambdaCallback,
  LambdaHandlerLike,
  LocalLambdaContext,
  WebSocketAppLike,
} from './lambda/handler-types.js';
export type { ManagementMethod } from './management/management-method.js';
export type { ManagementStats, ManagementStatsSnapshot } from './management/stats.js';
export type { ServeOptions } from './options.js';
export { serve } from './serve.js';
export type { LocalServer } from './server-types.js';
export * from './sqs/sqs-event-source.js';
