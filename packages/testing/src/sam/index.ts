/**
 * Checks of SAM / CloudFormation deploy templates for wsapp WebSocket APIs, run in unit tests
 * (nothing is deployed): `loadTemplate` parses a template with its short-form tags,
 * `referenceProblems` finds dangling references, and `webSocketTemplateProblems` checks the API,
 * routes, route responses, permissions and table against the app's own route declarations.
 * Needs the `yaml` package (an optional peer of `@wsapp/testing`).
 *
 * @packageDocumentation
 * @module @wsapp/testing/sam
 */
export {
  isRef,
  loadTemplate,
  type Parameter,
  type Resource,
  referenceProblems,
  resourcesOfType,
  subTemplate,
  subVariables,
  type Template,
} from './cloudformation.js';
export { type WebSocketTemplateExpectations, webSocketTemplateProblems } from './websocket-template.js';
