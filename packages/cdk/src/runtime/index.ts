/**
 * Run-time helpers for functions deployed by `WsappWebSocketApi` (`@wsapp/cdk/runtime`): the
 * environment contract and a cached Secrets Manager reader. Imports nothing from `aws-cdk-lib`,
 * so it bundles into Lambda code at a few hundred bytes.
 *
 * @packageDocumentation
 * @module @wsapp/cdk/runtime
 */
export { requiredEnv, WSAPP_ENV } from './environment.js';
export { type SecretReader, type SecretReaderOptions, secretReader } from './secret-reader.js';
