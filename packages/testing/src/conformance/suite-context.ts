import type { ConnectionStore } from '@wsapp/core';
import type { ConnectionStoreSuiteOptions, StoreInspector, StoreLimitOptions } from './suite-options.js';
import type { TestClock } from './test-clock.js';

/**
 * What every conformance group gets: the store under test and helpers, fresh for each test.
 * The getters read the current test's values, so a group reads them inside `it`, never at
 * `describe` time.
 */
export interface SuiteContext {
  /** The options the adapter passed to `connectionStoreSuite`. */
  readonly options: ConnectionStoreSuiteOptions<ConnectionStore>;
  /** The store of the current test (default limits). */
  readonly store: ConnectionStore;
  /** The clock the current test's store reads. */
  readonly clock: TestClock;
  /** Backdoor reads of the current test's store, when the adapter provides them. */
  readonly inspector: StoreInspector | undefined;
  /** Random tag of the current test; every id and channel below carries it. */
  readonly tag: string;
  /** Connection id `n` of the current test. */
  id(n?: number | string): string;
  /** Channel `n` of the current test. */
  channel(n?: number | string): string;
  /** The current test's clock in epoch seconds. */
  nowSeconds(): number;
  /** A sorted copy. */
  sorted(values: Iterable<string>): string[];
  /** Every member of a channel through `allMembers`, in the order the store streams them. */
  allMembers(channel: string, pageSize?: number): Promise<string[]>;
  /**
   * Another store over the same backend and clock, with the given limits (through the adapter's
   * `create`); closed after the test. With it, its inspector (when the adapter has one).
   */
  createStore(limits: StoreLimitOptions): Promise<ExtraStore>;
}

/** A store made by {@link SuiteContext.createStore}. */
export interface ExtraStore {
  /** The store, with the limits asked for. */
  store: ConnectionStore;
  /** Its backdoor reads, when the adapter provides them. */
  inspector: StoreInspector | undefined;
}

/** A conformance group: registers its `describe`/`it` blocks, reading the context inside them. */
export type ConformanceGroup = (context: SuiteContext) => void;
