/**
 * Checks of SAM / CloudFormation deploy templates for wsapp WebSocket APIs, run in unit tests
 * (nothing is deployed): `validateTemplate` runs AWS CloudFormation Validate (schemas, references,
 * deprecated runtimes: what a maintained tool checks), `loadTemplate` parses a template with its
 * short-form tags, and `webSocketTemplateProblems` checks what is wsapp's own — routes = the app's
 * routes, route responses = its two-way routes, the stage that deploys every change, permissions,
 * environment and table — against the app's declaration. Needs `yaml` and, for `validateTemplate`,
 * `aws-cdk-lib` (optional peers of `@wsapp/testing`).
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
export { type TemplateDiagnostic, validateTemplate } from './validate-template.js';
export { type WebSocketTemplateExpectations, webSocketTemplateProblems } from './websocket-template.js';
