import { NoStoreError } from '../errors/app-errors.js';
import {
  HistoryNotSupportedError,
  type HistoryPage,
  type ReadHistoryOptions,
} from '../store/channel-history.js';
import type { ConnectionStore } from '../store/connection-store.js';

/**
 * Reads a channel's history (`ctx.history`, `app.history`): entries after `since`, at most
 * `limit`, with the log's `headSeq` and `oldestSeq`. Throws {@link NoStoreError} without a store
 * and {@link HistoryNotSupportedError} when the store keeps no history. Entries retracted by a
 * broadcast that failed before sending are left out (a page may then hold fewer than `limit`
 * entries while more follow); they still count for `oldestSeq`.
 */
export async function readChannelHistory(
  store: ConnectionStore | undefined,
  channel: string,
  options: ReadHistoryOptions = {},
): Promise<HistoryPage> {
  if (store === undefined) throw new NoStoreError('history()', 'new WebSocketApp({ store, history })');
  if (typeof store.readHistory !== 'function') throw new HistoryNotSupportedError(store.constructor?.name);
  const page = await store.readHistory(channel, options);
  return page.entries.some((e) => e.retracted)
    ? { ...page, entries: page.entries.filter((e) => !e.retracted) }
    : page;
}
