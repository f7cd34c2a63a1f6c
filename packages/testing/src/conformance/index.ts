/**
 * The `ConnectionStore` conformance suite every store adapter runs (imports vitest).
 *
 * @packageDocumentation
 * @module @wsapp/testing/conformance
 */
export { connectionStoreSuite } from './connection-store-suite.js';
export { memberSlicesGroup } from './groups/slices.js';
export type { ConnectionStoreSuiteOptions, RawItem, RawMember, StoreInspector } from './suite-options.js';
export { TestClock } from './test-clock.js';
