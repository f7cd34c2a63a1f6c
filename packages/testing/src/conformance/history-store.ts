import type {
  ConnectionStore,
  HistoryAppend,
  HistoryPage,
  HistoryRetention,
  ReadHistoryOptions,
} from '@wsapp/core';

/** A store's history methods, bound, for the history groups. */
export interface HistoryMethods {
  append(channel: string, entry: HistoryAppend, retention?: HistoryRetention): Promise<number>;
  read(channel: string, options?: ReadHistoryOptions): Promise<HistoryPage>;
}

/** The store's history methods; throws when the store leaves them out (its suite says it keeps history). */
export function historyOf(store: ConnectionStore): HistoryMethods {
  const { appendHistory, readHistory } = store;
  if (appendHistory === undefined || readHistory === undefined) {
    throw new Error('the store has no appendHistory/readHistory; pass `history: false` to the suite');
  }
  return {
    append: (channel, entry, retention) => appendHistory.call(store, channel, entry, retention),
    read: (channel, options) => readHistory.call(store, channel, options),
  };
}

/** The entry `n` of a test: its message id and payload. */
export function message(n: number | string): HistoryAppend {
  return { messageId: `m${n}`, payload: JSON.stringify({ n }) };
}
