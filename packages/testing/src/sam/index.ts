/**
 * Checks of SAM / CloudFormation deploy templates for wsapp WebSocket APIs, run in unit tests
 * (nothing is deployed): `validateTemplate` runs AWS CloudFormation Validate (schemas, references,
 * the transform: what a maintained tool checks), `loadTemplate` parses a template with its
 * short-form tags, `webSocketTemplateProblems` checks what is wsapp's own — routes = the app's
 * routes, route responses = its two-way routes, the stage that deploys every change, nodejs24.x or
 * nodejs22.x only, bundling, permissions, environment and table — against the app's declaration,
 * `secretEnvironmentProblems` refuses secrets in functions' environments, and `buildSamFunction`
 * builds a function as `sam build` would and `functionEnvironment` resolves its environment, and
 * `serveBuiltFunctions` runs the built files as Lambda runs them behind the emulator, so a test
 * runs the code the template deploys with what it gets; `samApp` does all three for a test, with
 * the template's tables (`createTemplateTables`) and secrets stood in for, and stops it all. Needs
 * `yaml`, for `validateTemplate` `aws-cdk-lib`, for `buildSamFunction` `esbuild`, for the tables
 * `@aws-sdk/client-dynamodb` (optional peers).
 *
 * @packageDocumentation
 * @module @wsapp/testing/sam
 */
export {
  isRef,
  loadTemplate,
  type Parameter,
  type Resource,
  resourcesOfType,
  subTemplate,
  type Template,
} from './cloudformation.js';
export { functionEnvironment, type StackValues } from './function-environment.js';
export { runtimeProblem, SUPPORTED_NODE_RUNTIMES } from './runtimes.js';
export { type SamApp, type SamAppOptions, type SamSecret, samApp } from './sam-app.js';
export {
  buildSamFunction,
  type SamBuildOptions,
  type SamBuiltFunction,
  samEsbuildArguments,
} from './sam-build.js';
export { secretEnvironmentProblems } from './secret-environment.js';
export {
  type BuiltFunction,
  type BuiltFunctionsServer,
  lambdaRuntimeModules,
  type ServeBuiltOptions,
  serveBuiltFunctions,
} from './serve-built.js';
export { createTemplateTables, type DynamoDBEndpoint } from './template-tables.js';
export { type TemplateDiagnostic, validateTemplate } from './validate-template.js';
export { type WebSocketTemplateExpectations, webSocketTemplateProblems } from './websocket-template.js';
