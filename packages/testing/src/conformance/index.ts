/**
 * The `ConnectionStore` conformance suite every store adapter runs (imports vitest).
 *
 * @packageDocumentation
 * @module @wsapp/testing/conformance
 */
export { connectionStoreSuite } from './connection-store-suite.js';
export { historyValidationGroup } from './groups/history-validation.js';
export { memberSlicesGroup } from './groups/slices.js';
export type { ConformanceGroup, ExtraStore, SuiteContext } from './suite-context.js';
export type {
  ConnectionStoreSuiteOptions,
  RawHistoryItem,
  RawItem,
  RawMember,
  StoreFactoryContext,
  StoreInspector,
  StoreLimitOptions,
} from './suite-options.js';
export { TestClock } from './test-clock.js';
