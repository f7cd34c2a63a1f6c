/**
 * The ConnectionStore conformance suite: one file per group in `groups/` (keyv's test-suite
 * layout), all run by {@link connectionStoreSuite}.
 *
 * Group shape (for anyone adding one): a file `groups/<group>.ts` exporting
 * `function <group>Group(ctx: SuiteContext): void` that registers its own `describe`/`it` blocks.
 * `ctx` (see `suite-context.ts`) is shared by every group; its `store`, `clock`, `inspector` and
 * `tag` are getters for the current test (a fresh store per test), so read them inside `it`, never
 * at `describe` time. Use `ctx.id(n)` / `ctx.channel(n)` for names (tagged per test, so suites can
 * share one backend), `ctx.inspector` for backdoor reads (skip those checks when it is undefined)
 * and `ctx.createStore(limits)` for a store with other limits. Then add the group to `GROUPS` below.
 */
import { randomBytes } from 'node:crypto';
import type { ConnectionStore } from '@wsapp/core';
import { afterEach, beforeEach, describe } from 'vitest';
import { channelLimitGroup } from './groups/channel-limit.js';
import { channelNamesGroup } from './groups/channel-names.js';
import { concurrencyGroup } from './groups/concurrency.js';
import { cursorsGroup } from './groups/cursors.js';
import { dataGroup } from './groups/data.js';
import { expiryGroup } from './groups/expiry.js';
import { historyGroup } from './groups/history.js';
import { historyConcurrencyGroup } from './groups/history-concurrency.js';
import { historyExpiryGroup } from './groups/history-expiry.js';
import { historyRetractionGroup } from './groups/history-retraction.js';
import { historyValidationGroup } from './groups/history-validation.js';
import { membershipsGroup } from './groups/memberships.js';
import { modelConcurrencyGroup } from './groups/model-concurrency.js';
import { pagingGroup } from './groups/paging.js';
import { recordsGroup } from './groups/records.js';
import { sessionsGroup } from './groups/sessions.js';
import { memberSlicesGroup } from './groups/slices.js';
import { staleUnregisterGroup } from './groups/stale-unregister.js';
import { stormGroup } from './groups/storm.js';
import { updateGroup } from './groups/update.js';
import { validationGroup } from './groups/validation.js';
import type { ConformanceGroup, SuiteContext } from './suite-context.js';
import type { ConnectionStoreSuiteOptions, StoreInspector, StoreLimitOptions } from './suite-options.js';
import { TestClock } from './test-clock.js';

/** Every group, in the order they run. */
const GROUPS: readonly ConformanceGroup[] = [
  recordsGroup,
  membershipsGroup,
  pagingGroup,
  memberSlicesGroup,
  cursorsGroup,
  expiryGroup,
  updateGroup,
  dataGroup,
  concurrencyGroup,
  stormGroup,
  validationGroup,
  channelNamesGroup,
  channelLimitGroup,
  modelConcurrencyGroup,
  historyGroup,
  historyExpiryGroup,
  historyValidationGroup,
  historyConcurrencyGroup,
  historyRetractionGroup,
  staleUnregisterGroup,
  sessionsGroup,
];

/**
 * Runs the ConnectionStore contract against an adapter: the same cases for every backend, like
 * keyv's shared adapter tests. Call it at the top level of a vitest test file.
 *
 * @example
 * ```ts
 * connectionStoreSuite('memory', {
 *   create: ({ clock, ...limits }) => new MemoryConnectionStore({ ...limits, clock: () => clock.now() }),
 * });
 * ```
 */
export function connectionStoreSuite<TStore extends ConnectionStore>(
  name: string,
  options: ConnectionStoreSuiteOptions<TStore>,
): void {
  describe(`ConnectionStore conformance: ${name}`, () => {
    let clock: TestClock;
    let store: TStore;
    let inspector: StoreInspector | undefined;
    let tag: string;
    const extra: TStore[] = [];

    beforeEach(async () => {
      clock = new TestClock();
      tag = randomBytes(6).toString('hex');
      store = await options.create({ clock, namespace: tag });
      inspector = options.inspect?.(store);
    });
    afterEach(async () => {
      for (const other of extra.splice(0)) await options.destroy?.(other);
      await options.destroy?.(store);
    });

    const context: SuiteContext = {
      options: options as ConnectionStoreSuiteOptions<ConnectionStore>,
      get store() {
        return store;
      },
      get clock() {
        return clock;
      },
      get inspector() {
        return inspector;
      },
      get tag() {
        return tag;
      },
      id: (n = 0) => `${tag}c${n}=`,
      channel: (n = 0) => `${tag}#ch:${n}`,
      nowSeconds: () => Math.floor(clock.now() / 1000),
      sorted: (values) => [...values].sort(),
      allMembers: async (ch, pageSize) => {
        const out: string[] = [];
        for await (const member of store.allMembers(ch, { pageSize })) out.push(member);
        return out;
      },
      createStore: async (limits: StoreLimitOptions) => {
        const other = await options.create({ clock, namespace: tag, ...limits });
        extra.push(other);
        return { store: other, inspector: options.inspect?.(other) };
      },
    };

    for (const group of GROUPS) group(context);
  });
}
