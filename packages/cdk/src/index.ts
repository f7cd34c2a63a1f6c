/**
 * AWS CDK construct that deploys a wsapp app: `WsappWebSocketApi` creates the API Gateway WebSocket
 * API from the app's route declaration, the esbuild-bundled function, the store, and optionally the
 * `$connect` authorizer, sessions (key in Secrets Manager), fan-out over SQS, a custom domain and
 * alarms. The function-side helpers are in `@wsapp/cdk/runtime`.
 *
 * @packageDocumentation
 * @module @wsapp/cdk
 */
export type { WsappAccessLogOptions } from './access-logs.js';
export type { WsappAlarmOptions, WsappAlarms } from './alarms.js';
export type { WsappCustomDomainOptions } from './custom-domain.js';
export type { WsappFanOutOptions } from './fan-out.js';
export type { NagSuppression } from './nag.js';
export { type PlannedRoute, planRoutes, type WebSocketRoutes } from './routes.js';
export { checkRuntime, DEFAULT_RUNTIME, OLDEST_NODE_MAJOR } from './runtime-policy.js';
export {
  DYNAMODB_STORE_ACTIONS,
  type DynamoDBStoreOptions,
  type RedisStoreOptions,
  type WsappStoreOptions,
} from './store.js';
export type { WsappFunctionOptions, WsappVpcOptions } from './wsapp-function.js';
export {
  type WsappAuthorizerOptions,
  type WsappSessionOptions,
  WsappWebSocketApi,
  type WsappWebSocketApiProps,
} from './wsapp-web-socket-api.js';
