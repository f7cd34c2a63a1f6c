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
 * and {@link HistoryNotSupportedError} when the store keeps no history.
 */
export async function readChannelHistory(
  store: ConnectionStore | undefined,
  channel: string,
  options: ReadHistoryOptions = {},
): Promise<HistoryPage> {
  if (store === undefined) throw new NoStoreError('history()', 'new WebSocketApp({ store, history })');
  if (typeof store.readHistory !== 'function') throw new HistoryNotSupportedError(store.constructor?.name);
  return store.readHistory(channel, options);
}
