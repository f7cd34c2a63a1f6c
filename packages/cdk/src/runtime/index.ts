/**
 * Run-time helpers for functions deployed by `WsappWebSocketApi` (`@wsapp/cdk/runtime`): the
 * environment contract, and `secretReader` (re-exported from `@wsapp/core/secrets`, where SAM apps
 * import it from). Imports nothing from `aws-cdk-lib`, so it bundles into Lambda code at a few
 * hundred bytes.
 *
 * @packageDocumentation
 * @module @wsapp/cdk/runtime
 */
export { type SecretReader, type SecretReaderOptions, secretReader } from '@wsapp/core/secrets';
export { requiredEnv, WSAPP_ENV } from './environment.js';
