import { type ConnectionStore, HistoryNotSupportedError } from '@wsapp/core';
import { MemoryConnectionStore } from '@wsapp/store-memory';
import { historyValidationGroup, type SuiteContext, TestClock } from '@wsapp/testing/conformance';
import { beforeEach, describe } from 'vitest';

/** A store that keeps no channel history, as BaseConnectionStore's defaults do. */
class WithoutHistory extends MemoryConnectionStore {
  protected override async _appendHistory(): Promise<number> {
    throw new HistoryNotSupportedError('WithoutHistory');
  }
  protected override async _readHistory(): Promise<never> {
    throw new HistoryNotSupportedError('WithoutHistory');
  }
}

/** A store with the history methods left out altogether (they are optional in ConnectionStore). */
function withoutMethods(): ConnectionStore {
  const store = new MemoryConnectionStore();
  return {
    register: (...a) => store.register(...a),
    get: (...a) => store.get(...a),
    unregister: (...a) => store.unregister(...a),
    join: (...a) => store.join(...a),
    leave: (...a) => store.leave(...a),
    setChannels: (...a) => store.setChannels(...a),
    update: (...a) => store.update(...a),
    touch: (...a) => store.touch(...a),
    members: (...a) => store.members(...a),
    allMembers: (...a) => store.allMembers(...a),
  };
}

// The history groups' `history: false` case, for stores that declare they keep no history.
describe.each([
  ['throwing HistoryNotSupportedError', () => new WithoutHistory()],
  ['without the history methods', withoutMethods],
] as const)('a store %s', (_name, make) => {
  let store: ConnectionStore;
  const clock = new TestClock();
  beforeEach(() => {
    store = make();
  });
  const context: SuiteContext = {
    options: { create: make, history: false },
    get store() {
      return store;
    },
    clock,
    inspector: undefined,
    tag: 'nohistory',
    id: (n = 0) => `c${n}=`,
    channel: (n = 0) => `ch:${n}`,
    nowSeconds: () => Math.floor(clock.now() / 1000),
    sorted: (values) => [...values].sort(),
    allMembers: async () => [],
    createStore: async () => ({ store: make(), inspector: undefined }),
  };
  historyValidationGroup(context);
});
